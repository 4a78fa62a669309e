import { ApiError } from '@cairn/core/http/errors';
import type { Context } from 'koa';
import type { Publisher } from '../storage/entities.js';
import type { PublisherTokens } from './tokens.js';

/** The token of `Authorization: Bearer <token>`, if the request sent one. */
export function bearerOf(ctx: Context): string | undefined {
  const header = ctx.get('Authorization');
  return header ? (/^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '') : undefined;
}

/** The publisher the request's bearer token stands for, or a 401. */
export async function requirePublisher(ctx: Context, tokens: PublisherTokens): Promise<Publisher> {
  const cached = ctx.state.publisher as Publisher | undefined;
  if (cached) return cached;
  const token = bearerOf(ctx);
  const publisher = token ? await tokens.resolve(token) : null;
  if (!publisher) {
    ctx.set('WWW-Authenticate', 'Bearer realm="cairn-registry"');
    throw new ApiError(
      401,
      'unauthorized',
      token === undefined
        ? 'Send a publisher token as Authorization: Bearer <token>.'
        : 'The bearer token is unknown, expired or revoked.',
    );
  }
  ctx.state.publisher = publisher;
  return publisher;
}
