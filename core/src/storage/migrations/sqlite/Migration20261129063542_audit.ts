import { Migration } from '@mikro-orm/migrations';

export class Migration20261129063542_audit extends Migration {
  override name = 'Migration20261129063542_audit';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`audit_entry\` (\`id\` text not null primary key, \`at\` datetime not null, \`actor\` text not null, \`action\` text not null, \`object_type\` text not null, \`object_id\` text not null, \`before\` json null, \`after\` json null);`,
    );
    this.addSql(`create index \`audit_entry_at_idx\` on \`audit_entry\` (\`at\`);`);
    this.addSql(
      `create index \`audit_entry_object_idx\` on \`audit_entry\` (\`object_type\`, \`object_id\`, \`at\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`audit_entry\`;`);
  }
}
