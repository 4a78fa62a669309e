import { ApiError } from '@cairn/core/http/errors';
import type { Context } from 'koa';

const TARBALL_TYPES = new Set(['application/octet-stream', 'application/gzip', 'application/x-gzip']);

function tooLarge(ctx: Context, limit: number): ApiError {
  // The rest of the body is not read: the connection closes after the answer.
  ctx.set('Connection', 'close');
  return new ApiError(413, 'package_too_large', `The package is larger than the limit of ${limit} bytes.`);
}

/** Reads a tarball request body, refusing other media types and anything over `limit` bytes. */
export async function readTarball(ctx: Context, limit: number): Promise<Buffer> {
  const type = ctx.request.type;
  if (!TARBALL_TYPES.has(type)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Send the package tarball as application/octet-stream${type ? `, not ${type}` : ''}.`,
    );
  }
  const declared = Number(ctx.get('Content-Length'));
  if (declared > limit) throw tooLarge(ctx, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(ctx, limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
