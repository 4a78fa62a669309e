import { Migration } from '@mikro-orm/migrations';

export class Migration20261129050521_initial extends Migration {
  override name = 'Migration20261129050521_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`event\` (\`id\` varchar(64) not null, \`type\` varchar(128) not null, \`properties\` json not null, \`context\` json not null, \`tags\` json not null, \`source_id\` varchar(64) not null, \`session_id\` varchar(128) null, \`profile_id\` varchar(36) null, \`created_at\` datetime(3) not null, \`inserted_at\` datetime(3) not null, \`status\` varchar(16) not null, \`ip\` varchar(45) null, \`user_agent\` text null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`event\` add index \`event_profile_time_idx\` (\`profile_id\`, \`created_at\`);`,
    );
    this.addSql(`alter table \`event\` add index \`event_type_time_idx\` (\`type\`, \`created_at\`);`);
    this.addSql(`alter table \`event\` add index \`event_source_time_idx\` (\`source_id\`, \`created_at\`);`);

    this.addSql(
      `create table \`event_source\` (\`id\` varchar(64) not null, \`name\` varchar(191) not null, \`type\` varchar(16) not null, \`enabled\` tinyint(1) not null default true, \`allowed_origins\` json not null, \`write_key\` varchar(191) null, \`config\` json not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`profile\` (\`id\` varchar(36) not null, \`active\` tinyint(1) not null default true, \`ids\` json not null, \`traits\` json not null, \`data\` json not null, \`consents\` json not null, \`segments\` json not null, \`interests\` json not null, \`stats\` json not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`visit_last\` datetime(3) null, \`visit_current\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`profile_identity\` (\`alias\` varchar(191) not null, \`profile_id\` varchar(36) not null, \`kind\` varchar(32) not null, \`created_at\` datetime(3) not null, primary key (\`alias\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`profile_identity\` add index \`profile_identity_profile_id_index\` (\`profile_id\`);`,
    );

    this.addSql(
      `create table \`session\` (\`id\` varchar(128) not null, \`profile_id\` varchar(36) null, \`context\` json not null, \`device\` json not null, \`os\` json not null, \`app\` json not null, \`utm\` json not null, \`status\` varchar(16) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`session\` add index \`session_profile_id_index\` (\`profile_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`event\`;`);
    this.addSql(`drop table if exists \`event_source\`;`);
    this.addSql(`drop table if exists \`profile\`;`);
    this.addSql(`drop table if exists \`profile_identity\`;`);
    this.addSql(`drop table if exists \`session\`;`);
  }
}
