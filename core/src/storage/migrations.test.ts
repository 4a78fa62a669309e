import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { openDatabase } from './orm.js';

const TABLES = [
  'event',
  'event_source',
  'profile',
  'profile_identity',
  'session',
  'flow',
  'flow_version',
  'routing_rule',
  'resource',
  'consent_type',
  'audit_entry',
  'user_account',
  'auth_session',
  'api_token',
  'installed_plugin',
];

for (const dialect of testDialects()) {
  describe(`migrations on ${dialect.name}`, () => {
    it('bring an empty database to the current schema, once', async () => {
      const database = await dialect.create();
      const db = await openDatabase(database.url);
      try {
        expect(await db.orm.migrator.getPending()).to.have.length.greaterThan(0);
        const applied = await db.migrate();
        expect(applied).to.have.length.greaterThan(0);
        expect(await db.migrate(), 'a second run applies nothing').to.deep.equal([]);

        const connection = db.orm.em.getConnection();
        const rows =
          dialect.name === 'sqlite'
            ? await connection.execute<{ name: string }[]>(
                "select name from sqlite_master where type = 'table'",
              )
            : await connection.execute<{ name: string }[]>(
                'select table_name as name from information_schema.tables where table_schema = database()',
              );
        const tables = rows.map((r: { name: string }) => r.name);
        expect(tables).to.include.members([...TABLES, 'cairn_migrations']);

        // Every column an entity maps exists in the migrated table.
        for (const meta of Object.values(db.orm.getMetadata().getAll())) {
          const columns =
            dialect.name === 'sqlite'
              ? (
                  await connection.execute<{ name: string }[]>(`pragma table_info(\`${meta.tableName}\`)`)
                ).map((c: { name: string }) => c.name)
              : (
                  await connection.execute<{ name: string }[]>(
                    'select column_name as name from information_schema.columns where table_schema = database() and table_name = ?',
                    [meta.tableName],
                  )
                ).map((c: { name: string }) => c.name);
          const expected = meta.props.flatMap((prop: { fieldNames?: string[] }) => prop.fieldNames ?? []);
          expect(columns, meta.tableName).to.include.members(expected);
        }

        if (dialect.name === 'sqlite') {
          // The migrations build exactly the schema the entities describe. (MariaDB stores JSON as
          // checked LONGTEXT, which the MySQL schema comparator reports as a difference, so the
          // exact comparison runs on SQLite.)
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
