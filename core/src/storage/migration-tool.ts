import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { createConnection } from 'mysql2/promise';
import { type StorageSchema, schemaOptions } from './database.js';

/**
 * Writes a new migration into `<root>/sqlite` and `<root>/mysql` from the difference between a
 * schema's entities and what its existing migrations produce, each applied to a scratch database
 * (a temporary SQLite file; a database created on `mysqlServer` and dropped afterwards).
 */
export async function createMigrations(
  schema: StorageSchema,
  root: string,
  name: string,
  mysqlServer = process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
): Promise<void> {
  const create = async (databaseUrl: string, folder: string) => {
    const base = schemaOptions(schema, databaseUrl);
    const orm = await MikroORM.init(
      schemaOptions(schema, databaseUrl, {
        migrations: { ...base.migrations, path: join(root, folder), pathTs: join(root, folder), emit: 'ts' },
      }),
    );
    try {
      await orm.migrator.up();
      const result = await orm.migrator.create(join(root, folder), false, false, name);
      console.log(folder, result.fileName || '(no changes)');
    } finally {
      await orm.close(true);
    }
  };
  const scratch = `${schema.migrationsTable}_scratch_${process.pid}`;
  const sqliteFile = join(tmpdir(), `${scratch}.sqlite`);
  try {
    await create(`sqlite:${sqliteFile}`, 'sqlite');
  } finally {
    rmSync(sqliteFile, { force: true });
  }
  const admin = await createConnection(mysqlServer);
  await admin.query(`create database \`${scratch}\``);
  try {
    await create(`${mysqlServer.replace(/\/$/, '')}/${scratch}`, 'mysql');
  } finally {
    await admin.query(`drop database \`${scratch}\``);
    await admin.end();
  }
}
