import { Migration } from '@mikro-orm/migrations';

export class Migration20261129063543_audit extends Migration {
  override name = 'Migration20261129063543_audit';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`audit_entry\` (\`id\` varchar(36) not null, \`at\` datetime(3) not null, \`actor\` varchar(191) not null, \`action\` varchar(32) not null, \`object_type\` varchar(32) not null, \`object_id\` varchar(191) not null, \`before\` json null, \`after\` json null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`audit_entry\` add index \`audit_entry_at_idx\` (\`at\`);`);
    this.addSql(
      `alter table \`audit_entry\` add index \`audit_entry_object_idx\` (\`object_type\`, \`object_id\`, \`at\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`audit_entry\`;`);
  }
}
