import { type Database, openSchema, type StorageSchema, schemaOptions } from '@cairn/core/storage/database';
import type { Options } from '@mikro-orm/core';
import { registryEntities } from './entities.js';
import { mysqlMigrations } from './migrations/mysql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';

export { type Database, type Dialect, dialectOf } from '@cairn/core/storage/database';

/** The registry's tables. */
export const REGISTRY_SCHEMA: StorageSchema = {
  entities: registryEntities,
  migrationsTable: 'registry_migrations',
  sqliteMigrations,
  mysqlMigrations,
  poolMax: 10,
};

export const ormOptions = (databaseUrl: string, extra: Partial<Options> = {}): Options =>
  schemaOptions(REGISTRY_SCHEMA, databaseUrl, extra);

export const openDatabase = (databaseUrl: string): Promise<Database> =>
  openSchema(REGISTRY_SCHEMA, databaseUrl);
