import type { Options } from '@mikro-orm/core';
import { authEntities } from './auth-entities.js';
import { configEntities } from './config-entities.js';
import { type Database, openSchema, type StorageSchema, schemaOptions } from './database.js';
import { collectorEntities } from './entities.js';
import { flowEntities } from './flow-entities.js';
import { mysqlMigrations } from './migrations/mysql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';

export { type Database, type Dialect, dialectOf } from './database.js';

/** The server's tables. */
export const CAIRN_SCHEMA: StorageSchema = {
  entities: [...collectorEntities, ...flowEntities, ...configEntities, ...authEntities],
  migrationsTable: 'cairn_migrations',
  sqliteMigrations,
  mysqlMigrations,
  poolMax: 20,
};

export const ormOptions = (databaseUrl: string, extra: Partial<Options> = {}): Options =>
  schemaOptions(CAIRN_SCHEMA, databaseUrl, extra);

export const openDatabase = (databaseUrl: string): Promise<Database> => openSchema(CAIRN_SCHEMA, databaseUrl);
