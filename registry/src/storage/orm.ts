import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MySqlDriver } from '@mikro-orm/mysql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { registryEntities } from './entities.js';
import { mysqlMigrations } from './migrations/mysql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** MikroORM options for a database URL; migrations are listed explicitly per dialect. */
export function ormOptions(databaseUrl: string, extra: Partial<Options> = {}): Options {
  const dialect = dialectOf(databaseUrl);
  const common: Partial<Options> = {
    entities: registryEntities,
    extensions: [Migrator],
    debug: false,
    allowGlobalContext: false,
    timezone: '+00:00',
    forceUtcTimezone: true,
    migrations: {
      tableName: 'registry_migrations',
      migrationsList: dialect === 'sqlite' ? sqliteMigrations : mysqlMigrations,
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
    pool: { min: 0, max: 10 },
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

export async function openDatabase(databaseUrl: string): Promise<Database> {
  const dialect = dialectOf(databaseUrl);
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  if (dialect === 'sqlite') {
    // WAL lets downloads and searches read while a publish commits.
    const connection = orm.em.getConnection();
    await connection.execute('pragma journal_mode = WAL');
    await connection.execute('pragma synchronous = NORMAL');
    await connection.execute('pragma busy_timeout = 5000');
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
