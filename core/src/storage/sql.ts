import type { Transaction } from '@mikro-orm/core';
import type { Database, Dialect } from './orm.js';
import { isTransient } from './transaction.js';

/**
 * Plain SQL for the hot path (collecting events, committing profile operations), where the ORM's
 * unit of work costs more than the database does. Statements are written once for both dialects;
 * the few differences (upserts, row locks, how dates and JSON are stored) live here.
 */
export interface SqlTransaction {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
}

/** `(?, ?, ?)` for `count` values. */
export function placeholders(count: number): string {
  return `(${Array.from({ length: count }, () => '?').join(', ')})`;
}

/** ` for update` on MySQL; SQLite has a single writer and no row locks. */
export function forUpdate(dialect: Dialect): string {
  return dialect === 'mysql' ? ' for update' : '';
}

/**
 * One multi-row `insert`, or an upsert when `update` names the columns to overwrite on a
 * primary-key conflict.
 */
export function insertRows(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  update: readonly string[] = [],
): [string, unknown[]] {
  const values = rows.map(() => placeholders(columns.length)).join(', ');
  let sql = `insert into ${table} (${columns.join(', ')}) values ${values}`;
  if (update.length > 0) {
    sql +=
      dialect === 'mysql'
        ? ` on duplicate key update ${update.map((c) => `${c} = values(${c})`).join(', ')}`
        : ` on conflict (id) do update set ${update.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  }
  return [sql, rows.flat()];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A date as the column stores it: epoch milliseconds on SQLite, a UTC `datetime(3)` on MySQL. */
export function toSqlDate(dialect: Dialect, date: Date | null): unknown {
  if (date === null) return null;
  if (dialect === 'sqlite') return date.getTime();
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`
  );
}

export function fromSqlDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

export function fromSqlJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

const MAX_ATTEMPTS = 6;

/**
 * Runs `work` in one transaction; all or nothing. Conflicts with concurrent writers (deadlock,
 * lock wait, a unique key another request just took) are retried with a short random back-off.
 */
export async function sqlTransaction<T>(db: Database, work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  const connection = db.orm.em.getConnection();
  for (let attempt = 1; ; attempt++) {
    try {
      return await connection.transactional(async (trx: Transaction) =>
        work({
          dialect: db.dialect,
          all: (sql, params = []) => connection.execute(sql, params, 'all', trx) as Promise<never[]>,
          run: async (sql, params = []) => {
            const result = (await connection.execute(sql, params, 'run', trx)) as { affectedRows?: number };
            return result.affectedRows ?? 0;
          },
        }),
      );
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
