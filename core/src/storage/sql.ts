import type { MySqlConnection } from '@mikro-orm/mysql';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { createPool, type Pool as MysqlPool } from 'mysql2';
import type { Database, Dialect } from './orm.js';
import { isTransient } from './transaction.js';

/**
 * Plain SQL for the hot path (collecting events, committing profile operations), where the ORM's
 * unit of work costs more than the database does. Statements are written once for both dialects;
 * the few differences (upserts, row locks, how dates and JSON are stored) live here. They run on
 * the native drivers (see `sqliteRunner` and `mysqlRunner`), not through the ORM's connection,
 * which formats every value into the statement text and, on SQLite, prepares every text afresh.
 */
export interface SqlTransaction {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
  /**
   * A statement whose result nobody needs. It runs before the next `all` or `run`, or before the
   * commit, and on MySQL in the same round trip: the statements waiting, the next one and the
   * commit cross together. A failure fails the transaction there (on SQLite it runs, and may
   * throw, at once).
   */
  later(sql: string, params?: unknown[]): void;
}

const MAX_ATTEMPTS = 6;
/** Statement texts kept (prepared, or built by `insertRows`); the hot path uses a few hundred. */
const MAX_STATEMENTS = 1000;

const placeholderTexts: string[] = [];

/** `(?, ?, ?)` for `count` values. */
export function placeholders(count: number): string {
  let text = placeholderTexts[count];
  if (text === undefined) {
    text = `(${Array.from({ length: count }, () => '?').join(', ')})`;
    if (count <= 1000) placeholderTexts[count] = text;
  }
  return text;
}

/** ` for update` on MySQL; SQLite has a single writer and no row locks. */
export function forUpdate(dialect: Dialect): string {
  return dialect === 'mysql' ? ' for update' : '';
}

/** Statement texts of `insertRows`, by table, columns and row count: the hot path repeats them. */
const insertTexts = new Map<string, string>();

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
  const key = `${dialect} ${table} ${columns.join(',')} ${rows.length} ${update.join(',')}`;
  let sql = insertTexts.get(key);
  if (sql === undefined) {
    const row = placeholders(columns.length);
    sql = `insert into ${table} (${columns.join(', ')}) values ${rows.map(() => row).join(', ')}`;
    if (update.length > 0) {
      sql +=
        dialect === 'mysql'
          ? ` on duplicate key update ${update.map((c) => `${c} = values(${c})`).join(', ')}`
          : ` on conflict (id) do update set ${update.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    }
    if (insertTexts.size >= MAX_STATEMENTS) insertTexts.clear();
    insertTexts.set(key, sql);
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

/** What the hot path needs of a better-sqlite3 statement and database. */
interface SqliteStatement {
  readonly reader: boolean;
  all(params: unknown[]): unknown[];
  run(params: unknown[]): { changes: number };
}
interface SqliteDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
}

/** Runs one transaction on the native driver, statements bound (never inlined) and prepared once. */
type TransactionRunner = <T>(work: (tx: SqlTransaction) => Promise<T>) => Promise<T>;

/**
 * SQLite: better-sqlite3 directly, with its prepared statements cached by text. The ORM shares
 * the one connection; holding Kysely's connection lock for the transaction keeps ORM queries
 * (which take the same lock) out of it.
 */
async function sqliteRunner(db: Database): Promise<TransactionRunner> {
  const connection = db.orm.em.getConnection() as unknown as AbstractSqlConnection;
  const native = (await connection.getNativeClient()) as SqliteDatabase;
  const statements = new Map<string, SqliteStatement>();
  const statement = (sql: string): SqliteStatement => {
    let prepared = statements.get(sql);
    if (prepared === undefined) {
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      prepared = native.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  const tx: SqlTransaction = {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) => {
      const prepared = statement(sql);
      if (prepared.reader) return prepared.all(params) as T[];
      prepared.run(params);
      return [];
    },
    run: async (sql, params = []) => statement(sql).run(params).changes,
    later: (sql, params = []) => {
      statement(sql).run(params);
    },
  };
  return (work) =>
    connection
      .getClient()
      .connection()
      .execute(async () => {
        // Taking the write lock up front lets busy_timeout wait for another process's writer.
        statement('begin immediate').run([]);
        try {
          const result = await work(tx);
          statement('commit').run([]);
          return result;
        } catch (error) {
          if (native.inTransaction) statement('rollback').run([]);
          throw error;
        }
      });
}

/** The callback API of a mysql2 connection: its promise wrapper records a stack trace per call. */
interface MysqlConnection {
  query(sql: string, callback: (error: Error | null, result: unknown) => void): void;
  format(sql: string, values: unknown[]): string;
  release(): void;
  destroy(): void;
}

function query(conn: MysqlConnection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    conn.query(sql, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/**
 * MySQL: a pool of its own next to the ORM's, with the same settings plus multi-statement
 * queries, so the statements of a transaction whose results nobody waits for (its start, the
 * writes, the commit) share round trips with the next query: a collector group costs three round
 * trips instead of eight. Values are escaped into the text by mysql2, as the ORM does, so the
 * server keeps no prepared statements for the many texts that group sizes produce. The pool ends
 * with the ORM's.
 */
async function mysqlRunner(db: Database): Promise<TransactionRunner> {
  const connection = db.orm.em.getConnection() as unknown as MySqlConnection;
  const ormPool = (await connection.getNativeClient()) as MysqlPool;
  const pool = createPool(connection.mapOptions({ multipleStatements: true }));
  const endOrmPool = ormPool.end.bind(ormPool);
  ormPool.end = ((callback?: (error: unknown) => void) =>
    pool.end(() => endOrmPool(callback as never))) as MysqlPool['end'];
  const acquire = () =>
    new Promise<MysqlConnection>((resolve, reject) =>
      pool.getConnection((error, conn) =>
        error ? reject(error) : resolve(conn as unknown as MysqlConnection),
      ),
    );
  return async (work) => {
    const conn = await acquire();
    let reusable = true;
    let waiting: string[] = ['start transaction'];
    /** Sends the waiting statements with `sql`; the result of `sql`. */
    const send = async (sql: string): Promise<unknown> => {
      if (waiting.length === 0) return query(conn, sql);
      waiting.push(sql);
      const batch = waiting.join(';\n');
      waiting = [];
      const results = (await query(conn, batch)) as unknown[];
      return results[results.length - 1];
    };
    try {
      const tx: SqlTransaction = {
        dialect: 'mysql',
        all: async <T>(sql: string, params: unknown[] = []) => {
          const rows = await send(conn.format(sql, params));
          return (Array.isArray(rows) ? rows : []) as T[];
        },
        run: async (sql, params = []) => {
          const result = await send(conn.format(sql, params));
          return (result as { affectedRows?: number }).affectedRows ?? 0;
        },
        later: (sql, params = []) => {
          waiting.push(conn.format(sql, params));
        },
      };
      try {
        const result = await work(tx);
        await send('commit');
        return result;
      } catch (error) {
        waiting = [];
        await query(conn, 'rollback').catch(() => {
          reusable = false;
        });
        throw error;
      }
    } catch (error) {
      if ((error as { fatal?: boolean }).fatal) reusable = false;
      throw error;
    } finally {
      // A connection whose transaction could not be closed is not handed out again.
      if (reusable) conn.release();
      else conn.destroy();
    }
  };
}

const runners = new WeakMap<Database, Promise<TransactionRunner>>();

/**
 * Runs `work` in one transaction; all or nothing. Conflicts with concurrent writers (deadlock,
 * lock wait, a unique key another request just took) are retried with a short random back-off.
 */
export async function sqlTransaction<T>(db: Database, work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  let runner = runners.get(db);
  if (runner === undefined) {
    runner = db.dialect === 'sqlite' ? sqliteRunner(db) : mysqlRunner(db);
    runners.set(db, runner);
  }
  const transaction = await runner;
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
