import { testDialects } from '@cairn/core/test-support/databases';
import { expect } from 'chai';
import { openDatabase } from './orm.js';

const TABLES = [
  'publisher',
  'publisher_token',
  'signing_key',
  'package',
  'package_category',
  'package_version',
];

for (const dialect of testDialects()) {
  describe(`registry migrations on ${dialect.name}`, () => {
    it('bring an empty database to the schema the entities describe, once', async () => {
      const database = await dialect.create();
      const db = await openDatabase(database.url);
      try {
        expect(await db.migrate()).to.have.length.greaterThan(0);
        expect(await db.migrate(), 'a second run applies nothing').to.deep.equal([]);

        const connection = db.orm.em.getConnection();
        const tableQuery =
          dialect.name === 'sqlite'
            ? "select name from sqlite_master where type = 'table'"
            : 'select table_name as name from information_schema.tables where table_schema = database()';
        const tables = (await connection.execute<{ name: string }[]>(tableQuery)).map(
          (row: { name: string }) => row.name,
        );
        expect(tables).to.include.members([...TABLES, 'registry_migrations']);

        for (const meta of Object.values(db.orm.getMetadata().getAll())) {
          const columns = (
            dialect.name === 'sqlite'
              ? await connection.execute<{ name: string }[]>(`pragma table_info(\`${meta.tableName}\`)`)
              : await connection.execute<{ name: string }[]>(
                  'select column_name as name from information_schema.columns where table_schema = database() and table_name = ?',
                  [meta.tableName],
                )
          ).map((column: { name: string }) => column.name);
          const expected = meta.props.flatMap((prop: { fieldNames?: string[] }) => prop.fieldNames ?? []);
          expect(columns, meta.tableName).to.include.members(expected);
        }

        if (dialect.name === 'sqlite') {
          // MariaDB stores JSON as checked LONGTEXT, which the MySQL comparator reports as a
          // difference, so the exact comparison runs on SQLite.
          const diff = await db.orm.schema.getUpdateSchemaSQL({ wrap: false });
          expect(diff.trim()).to.equal('');
        }
      } finally {
        await db.close();
        await database.drop();
      }
    });
  });
}
