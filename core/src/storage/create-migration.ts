/**
 * Developer tool: writes a new versioned migration for each dialect from the difference between the
 * entities and the schema that the existing migrations produce. Needs a MySQL server
 * (CAIRN_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306).
 *
 *   npm run build && node core/dist/storage/create-migration.js [name]
 *
 * Review the generated files before committing them. Against MariaDB, which stores JSON as LONGTEXT
 * with a `json_valid` check, the MySQL comparator also proposes dropping and re-adding those checks
 * on every JSON column: delete those statements.
 */
import { createMigrations } from './migration-tool.js';
import { CAIRN_SCHEMA } from './orm.js';

await createMigrations(
  CAIRN_SCHEMA,
  new URL('../../src/storage/migrations/', import.meta.url).pathname,
  process.argv[2] ?? 'change',
);
