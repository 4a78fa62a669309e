import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Next } from 'koa';
import { ApiError } from './errors.js';

export interface AdminToken {
  token: string;
  /** True when the token was generated just now and must be shown to the operator once. */
  generated: boolean;
}

/**
 * The bootstrap credential for `/api/*`: `CAIRN_ADMIN_TOKEN` when set, else a random token
 * generated on first start and kept (mode 0600) in the data folder.
 */
export function resolveAdminToken(configured: string | undefined, dataDir: string): AdminToken {
  if (configured) return { token: configured, generated: false };
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { token, generated: true };
}

/** Requires `Authorization: Bearer <admin token>`. */
export function requireAdminToken(token: string) {
  const expected = Buffer.from(token);
  return async (ctx: Context, next: Next): Promise<void> => {
    const match = /^Bearer\s+(.+)$/i.exec(ctx.get('Authorization'));
    const given = match ? Buffer.from(match[1]!.trim()) : undefined;
    if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="cairn"');
      throw new ApiError(
        401,
        'unauthorized',
        'A valid admin bearer token is required (Authorization: Bearer <token>).',
      );
    }
    ctx.state.actor = 'admin-token';
    await next();
  };
}
