import { Migration } from '@mikro-orm/migrations';

export class Migration20261129055335_resources_consents extends Migration {
  override name = 'Migration20261129055335_resources_consents';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`consent_type\` (\`id\` text not null primary key, \`name\` text not null, \`description\` text not null, \`revokable\` integer not null, \`default_value\` integer not null, \`auto_revoke_seconds\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );

    this.addSql(
      `create table \`resource\` (\`id\` text not null primary key, \`type\` text not null, \`name\` text not null, \`production_config\` json not null, \`production_secrets\` text not null, \`test_config\` json null, \`test_secrets\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`consent_type\`;`);
    this.addSql(`drop table if exists \`resource\`;`);
  }
}
