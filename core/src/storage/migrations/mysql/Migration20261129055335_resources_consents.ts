import { Migration } from '@mikro-orm/migrations';

export class Migration20261129055335_resources_consents extends Migration {
  override name = 'Migration20261129055335_resources_consents';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`consent_type\` (\`id\` varchar(64) not null, \`name\` varchar(191) not null, \`description\` text not null, \`revokable\` tinyint(1) not null, \`default_value\` tinyint(1) not null, \`auto_revoke_seconds\` int null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`resource\` (\`id\` varchar(36) not null, \`type\` varchar(32) not null, \`name\` varchar(191) not null, \`production_config\` json not null, \`production_secrets\` text not null, \`test_config\` json null, \`test_secrets\` text null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`consent_type\`;`);
    this.addSql(`drop table if exists \`resource\`;`);
  }
}
