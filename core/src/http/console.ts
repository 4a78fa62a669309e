import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from '@koa/send';
import type { Context, Next } from 'koa';
import { ApiError } from './errors.js';

/** Where `npm run build` puts the console (the `ui` package) next to this package. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

/** Paths the server answers itself; everything else is the console's. */
const SERVER_PATH = /^\/(api|track|collect|customer|healthz|readyz|metrics|socket\.io)(\/|$)/;

/**
 * Serves the built console at `/`: its files, and `index.html` for any other page path so the
 * console's router can handle deep links. Hashed assets are cached for a year, the page never.
 */
export function consoleFiles(folder: string = DEFAULT_CONSOLE_DIR) {
  const root = resolve(folder);
  const built = existsSync(join(root, 'index.html'));
  return async (ctx: Context, next: Next): Promise<void> => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || SERVER_PATH.test(ctx.path)) return next();
    if (!built) {
      if (ctx.path !== '/') return next();
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The console is not built yet: run `npm run build` (npm start does it), then reload.\n';
      return;
    }
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'same-origin');
    const asset = ctx.path.startsWith('/assets/');
    const file = ctx.path === '/' ? '/index.html' : ctx.path;
    // Checked as `send` will read it: decoded, and inside the folder.
    let target: string;
    try {
      target = resolve(root, `.${decodeURIComponent(file)}`);
    } catch {
      throw new ApiError(400, 'bad_path', 'The path is not valid percent-encoding.');
    }
    if (target !== root && !target.startsWith(`${root}${sep}`)) return next();
    if (existsSync(target)) {
      ctx.set('Cache-Control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
      await send(ctx, file, { root, hidden: false });
      return;
    }
    // Only a browser navigating asks for HTML; API clients get the JSON 404.
    if (asset || !ctx.get('Accept').includes('text/html')) return next();
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, '/index.html', { root });
  };
}
