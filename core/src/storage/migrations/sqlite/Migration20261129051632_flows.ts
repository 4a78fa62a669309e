import { Migration } from '@mikro-orm/migrations';

export class Migration20261129051632_flows extends Migration {
  override name = 'Migration20261129051632_flows';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`flow\` (\`id\` text not null primary key, \`name\` text not null, \`description\` text not null, \`draft\` json not null, \`deployed_version\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );

    this.addSql(
      `create table \`flow_version\` (\`id\` text not null primary key, \`flow_id\` text not null, \`version\` integer not null, \`graph\` json not null, \`created_at\` datetime not null);`,
    );
    this.addSql(
      `create unique index \`flow_version_flow_version_unique\` on \`flow_version\` (\`flow_id\`, \`version\`);`,
    );

    this.addSql(
      `create table \`routing_rule\` (\`id\` text not null primary key, \`name\` text not null, \`source_id\` text null, \`event_type\` text not null, \`flow_id\` text not null, \`enabled\` integer not null default true, \`position\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create index \`routing_rule_event_type_index\` on \`routing_rule\` (\`event_type\`);`);
    this.addSql(`create index \`routing_rule_flow_id_index\` on \`routing_rule\` (\`flow_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`flow\`;`);
    this.addSql(`drop table if exists \`flow_version\`;`);
    this.addSql(`drop table if exists \`routing_rule\`;`);
  }
}
