import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** How a bearer secret is stored: the hex SHA-256 of it, never the secret itself. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new bearer secret: `prefix` (which tells what it is) and 32 random bytes, base64url. */
export const newSecret = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/** Compares two secrets in a time that does not tell how much of them matched. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
