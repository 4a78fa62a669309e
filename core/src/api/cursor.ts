import { ApiError } from '../http/errors.js';
import type { Dialect } from '../storage/orm.js';
import { toSqlDate } from '../storage/sql.js';
import type { Page } from './schemas.js';

/**
 * Keyset pagination, newest first by `(created_at, id)`. A cursor names the last row of the page
 * it came from, so rows inserted while a client pages through can neither shift an item onto a
 * second page nor push one off: every later page starts strictly after that row.
 */

/** What a cursor points into; a cursor from one listing is refused by another. */
export type CursorKind = 'profile' | 'event' | 'session';

const KIND_TAGS: Record<CursorKind, string> = { profile: 'p', event: 'e', session: 's' };

/** The position of a row in the `(created_at desc, id desc)` order. */
export interface Position {
  createdAt: Date;
  id: string;
}

export const MAX_LIMIT = 1000;

/** `limit` of a query: digits (the schema checked that), 1–1000, or the listing's default. */
export function limitOf(limit: string | undefined, fallback: number): number {
  const value = limit === undefined ? fallback : Number(limit);
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new ApiError(422, 'validation_failed', `limit must be between 1 and ${MAX_LIMIT}.`, 'limit');
  }
  return value;
}

/** Opaque to clients: base64url of `[kind, epoch milliseconds, id]`. */
export function encodeCursor(kind: CursorKind, position: Position): string {
  return Buffer.from(JSON.stringify([KIND_TAGS[kind], position.createdAt.getTime(), position.id])).toString(
    'base64url',
  );
}

const invalidCursor = () =>
  new ApiError(
    422,
    'validation_failed',
    'cursor is not a cursor of this listing: pass the nextCursor of the previous page unchanged.',
    'cursor',
  );

export function decodeCursor(kind: CursorKind, cursor: string): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw invalidCursor();
  const [tag, millis, id] = decoded as unknown[];
  if (tag !== KIND_TAGS[kind] || typeof id !== 'string' || id.length === 0 || id.length > 191) {
    throw invalidCursor();
  }
  const createdAt = new Date(
    typeof millis === 'number' && Number.isSafeInteger(millis) ? millis : Number.NaN,
  );
  if (Number.isNaN(createdAt.getTime())) throw invalidCursor();
  return { createdAt, id };
}

/** A condition and its bound parameters. */
export interface Condition {
  sql: string;
  params: unknown[];
}

/** Rows strictly after `position` in the newest-first order. */
export function after(dialect: Dialect, position: Position, alias = ''): Condition {
  const at = toSqlDate(dialect, position.createdAt);
  return {
    sql: `(${alias}created_at < ? or (${alias}created_at = ? and ${alias}id < ?))`,
    params: [at, at, position.id],
  };
}

/** `order by … limit ?`: one row more than the page, to tell whether another page follows. */
export function newestFirst(limit: number, alias = ''): Condition {
  return { sql: ` order by ${alias}created_at desc, ${alias}id desc limit ?`, params: [limit + 1] };
}

/** `where a and b …`, or nothing. */
export function whereAll(conditions: readonly Condition[]): Condition {
  if (conditions.length === 0) return { sql: '', params: [] };
  return {
    sql: ` where ${conditions.map((c) => c.sql).join(' and ')}`,
    params: conditions.flatMap((c) => c.params),
  };
}

/** Cuts the extra row off and turns the last row kept into the next cursor. */
export function pageOf<R extends Position, V>(
  kind: CursorKind,
  rows: readonly R[],
  limit: number,
  view: (row: R) => V,
): Page<V> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(kind, last) : null,
  };
}
