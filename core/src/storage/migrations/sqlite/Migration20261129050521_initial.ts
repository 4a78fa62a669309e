import { Migration } from '@mikro-orm/migrations';

export class Migration20261129050521_initial extends Migration {
  override name = 'Migration20261129050521_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`event\` (\`id\` text not null primary key, \`type\` text not null, \`properties\` json not null, \`context\` json not null, \`tags\` json not null, \`source_id\` text not null, \`session_id\` text null, \`profile_id\` text null, \`created_at\` datetime not null, \`inserted_at\` datetime not null, \`status\` text not null, \`ip\` text null, \`user_agent\` text null);`,
    );
    this.addSql(`create index \`event_profile_time_idx\` on \`event\` (\`profile_id\`, \`created_at\`);`);
    this.addSql(`create index \`event_type_time_idx\` on \`event\` (\`type\`, \`created_at\`);`);
    this.addSql(`create index \`event_source_time_idx\` on \`event\` (\`source_id\`, \`created_at\`);`);

    this.addSql(
      `create table \`event_source\` (\`id\` text not null primary key, \`name\` text not null, \`type\` text not null, \`enabled\` integer not null default true, \`allowed_origins\` json not null, \`write_key\` text null, \`config\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );

    this.addSql(
      `create table \`profile\` (\`id\` text not null primary key, \`active\` integer not null default true, \`ids\` json not null, \`traits\` json not null, \`data\` json not null, \`consents\` json not null, \`segments\` json not null, \`interests\` json not null, \`stats\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`visit_last\` datetime null, \`visit_current\` datetime null);`,
    );

    this.addSql(
      `create table \`profile_identity\` (\`alias\` text not null primary key, \`profile_id\` text not null, \`kind\` text not null, \`created_at\` datetime not null);`,
    );
    this.addSql(
      `create index \`profile_identity_profile_id_index\` on \`profile_identity\` (\`profile_id\`);`,
    );

    this.addSql(
      `create table \`session\` (\`id\` text not null primary key, \`profile_id\` text null, \`context\` json not null, \`device\` json not null, \`os\` json not null, \`app\` json not null, \`utm\` json not null, \`status\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create index \`session_profile_id_index\` on \`session\` (\`profile_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`event\`;`);
    this.addSql(`drop table if exists \`event_source\`;`);
    this.addSql(`drop table if exists \`profile\`;`);
    this.addSql(`drop table if exists \`profile_identity\`;`);
    this.addSql(`drop table if exists \`session\`;`);
  }
}
