import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MySqlDriver } from '@mikro-orm/mysql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** What a service stores: its entities and its versioned migrations for each dialect. */
export interface StorageSchema {
  entities: NonNullable<Options['entities']>;
  /** Table that records the applied migrations. */
  migrationsTable: string;
  sqliteMigrations: NonNullable<NonNullable<Options['migrations']>['migrationsList']>;
  mysqlMigrations: NonNullable<NonNullable<Options['migrations']>['migrationsList']>;
  /** Most MySQL connections. */
  poolMax: number;
}

/** MikroORM options for a database URL; migrations are listed explicitly per dialect. */
export function schemaOptions(
  schema: StorageSchema,
  databaseUrl: string,
  extra: Partial<Options> = {},
): Options {
  const dialect = dialectOf(databaseUrl);
  const common: Partial<Options> = {
    entities: schema.entities,
    extensions: [Migrator],
    debug: false,
    allowGlobalContext: false,
    // Server-side timestamps are stored in UTC whatever the host's zone is.
    timezone: '+00:00',
    forceUtcTimezone: true,
    migrations: {
      tableName: schema.migrationsTable,
      migrationsList: dialect === 'sqlite' ? schema.sqliteMigrations : schema.mysqlMigrations,
      snapshot: false,
      silent: true,
    },
  };
  if (dialect === 'sqlite') {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return { ...common, driver: SqliteDriver, dbName: file, ...extra } as Options;
  }
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  return {
    ...common,
    driver: MySqlDriver,
    clientUrl: url.toString(),
    pool: { min: 0, max: schema.poolMax },
    ...extra,
  } as Options;
}

export interface Database {
  orm: MikroORM;
  dialect: Dialect;
  /** A fresh, request-scoped entity manager. */
  em(): SqlEntityManager;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openSchema(schema: StorageSchema, databaseUrl: string): Promise<Database> {
  const dialect = dialectOf(databaseUrl);
  const orm = await MikroORM.init(schemaOptions(schema, databaseUrl));
  if (dialect === 'sqlite') {
    // WAL lets readers proceed while the single writer commits; NORMAL sync is durable in WAL mode
    // against process crashes, which is what an embedded default needs.
    const connection = orm.em.getConnection();
    await connection.execute('pragma journal_mode = WAL');
    await connection.execute('pragma synchronous = NORMAL');
    await connection.execute('pragma busy_timeout = 5000');
    // Statement journals (every multi-row write in a transaction has one) and temporary tables
    // stay in memory: on disk each costs a file created, written and deleted.
    await connection.execute('pragma temp_store = MEMORY');
  }
  return {
    orm,
    dialect,
    em: () => orm.em.fork() as SqlEntityManager,
    migrate: async () => (await orm.migrator.up()).map((m) => m.name),
    ping: async () => {
      try {
        await orm.em.getConnection().execute('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => orm.close(true),
  };
}
