/**
 * Developer tool: writes a new versioned migration for each dialect from the difference between the
 * registry's entities and the schema its existing migrations produce. Needs a MySQL server
 * (CAIRN_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306).
 *
 *   npx tsc -b registry && node registry/dist/storage/create-migration.js [name]
 *
 * Review the generated files before committing them, and list them in the dialect's index.ts.
 * Against MariaDB, which stores JSON as LONGTEXT with a `json_valid` check, the MySQL comparator
 * also proposes dropping and re-adding those checks on every JSON column: delete those statements.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { createConnection } from 'mysql2/promise';
import { ormOptions } from './orm.js';

const name = process.argv[2] ?? 'change';
const root = new URL('../../src/storage/migrations/', import.meta.url).pathname;

async function create(databaseUrl: string, folder: string): Promise<void> {
  const options = ormOptions(databaseUrl);
  const orm = await MikroORM.init(
    ormOptions(databaseUrl, {
      migrations: {
        ...options.migrations,
        path: join(root, folder),
        pathTs: join(root, folder),
        emit: 'ts',
        snapshot: false,
      },
    }),
  );
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(join(root, folder), false, false, name);
    console.log(folder, result.fileName || '(no changes)');
  } finally {
    await orm.close(true);
  }
}

const sqliteFile = join(tmpdir(), `cairn-registry-migration-${process.pid}.sqlite`);
await create(`sqlite:${sqliteFile}`, 'sqlite');
rmSync(sqliteFile, { force: true });

const server = process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const dbName = `cairn_registry_migration_${process.pid}`;
const admin = await createConnection(server);
await admin.query(`create database \`${dbName}\``);
try {
  await create(`${server.replace(/\/$/, '')}/${dbName}`, 'mysql');
} finally {
  await admin.query(`drop database \`${dbName}\``);
  await admin.end();
}
