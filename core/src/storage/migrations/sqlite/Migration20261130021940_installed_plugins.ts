import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021940_installed_plugins extends Migration {
  override name = 'Migration20261130021940_installed_plugins';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`installed_plugin\` (\`id\` text not null primary key, \`name\` text not null, \`version\` text not null, \`integrity\` text not null, \`signature\` text not null, \`key_id\` text not null, \`source\` text not null, \`permissions\` json not null, \`approved_by\` text not null, \`installed_at\` datetime not null);`,
    );
    this.addSql(
      `create unique index \`installed_plugin_name_version_unique\` on \`installed_plugin\` (\`name\`, \`version\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`installed_plugin\`;`);
  }
}
