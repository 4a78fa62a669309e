import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021940_installed_plugins extends Migration {
  override name = 'Migration20261130021940_installed_plugins';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`installed_plugin\` (\`id\` varchar(36) not null, \`name\` varchar(191) not null, \`version\` varchar(64) not null, \`integrity\` varchar(128) not null, \`signature\` text not null, \`key_id\` varchar(16) not null, \`source\` varchar(512) not null, \`permissions\` json not null, \`approved_by\` varchar(191) not null, \`installed_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`installed_plugin\` add unique \`installed_plugin_name_version_unique\` (\`name\`, \`version\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`installed_plugin\`;`);
  }
}
