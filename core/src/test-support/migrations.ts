import { expect } from 'chai';
import type { Database } from '../storage/database.js';
import { testDialects } from './databases.js';

/**
 * The migrations test both services share: on every test dialect, the migrations bring an empty
 * database to exactly the schema the entities describe (every table, every mapped column), and a
 * second run applies nothing.
 */
export function describeMigrations(
  title: string,
  open: (url: string) => Promise<Database>,
  tables: readonly string[],
): void {
  for (const dialect of testDialects()) {
    describe(`${title} on ${dialect.name}`, () => {
      it('bring an empty database to the schema the entities describe, once', async () => {
        const database = await dialect.create();
        const db = await open(database.url);
        try {
          expect(await db.orm.migrator.getPending()).to.have.length.greaterThan(0);
          expect(await db.migrate()).to.have.length.greaterThan(0);
          expect(await db.migrate(), 'a second run applies nothing').to.deep.equal([]);

          const connection = db.orm.em.getConnection();
          const names = async (sql: string, params: unknown[] = []) =>
            (await connection.execute<{ name: string }[]>(sql, params)).map(
              (row: { name: string }) => row.name,
            );
          const sqlite = dialect.name === 'sqlite';
          expect(
            await names(
              sqlite
                ? "select name from sqlite_master where type = 'table'"
                : 'select table_name as name from information_schema.tables where table_schema = database()',
            ),
          ).to.include.members([...tables]);

          for (const meta of Object.values(db.orm.getMetadata().getAll())) {
            const columns = sqlite
              ? await names(`pragma table_info(\`${meta.tableName}\`)`)
              : await names(
                  'select column_name as name from information_schema.columns where table_schema = database() and table_name = ?',
                  [meta.tableName],
                );
            const expected = meta.props.flatMap((prop: { fieldNames?: string[] }) => prop.fieldNames ?? []);
            expect(columns, meta.tableName).to.include.members(expected);
          }

          if (sqlite) {
            // The exact comparison runs on SQLite: MariaDB stores JSON as checked LONGTEXT, which
            // the MySQL schema comparator reports as a difference.
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
}
