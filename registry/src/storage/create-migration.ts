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
import { createMigrations } from '@cairn/core/storage/migration-tool';
import { REGISTRY_SCHEMA } from './orm.js';

await createMigrations(
  REGISTRY_SCHEMA,
  new URL('../../src/storage/migrations/', import.meta.url).pathname,
  process.argv[2] ?? 'change',
);
