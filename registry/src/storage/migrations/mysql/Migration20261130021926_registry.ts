import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021926_registry extends Migration {
  override name = 'Migration20261130021926_registry';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`package\` (\`name\` varchar(214) not null, \`publisher_id\` varchar(36) not null, \`latest_version\` varchar(64) null, \`title\` text not null, \`description\` text not null, \`categories\` json not null, \`search_text\` text not null, \`downloads\` bigint not null default '0', \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`name\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`package\` add index \`package_publisher_idx\` (\`publisher_id\`);`);
    this.addSql(`alter table \`package\` add index \`package_downloads_idx\` (\`downloads\`, \`name\`);`);
    this.addSql(`alter table \`package\` add index \`package_updated_idx\` (\`updated_at\`, \`name\`);`);

    this.addSql(
      `create table \`package_category\` (\`package_name\` varchar(214) not null, \`category\` varchar(64) not null, primary key (\`package_name\`, \`category\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`package_category\` add index \`package_category_category_idx\` (\`category\`);`,
    );

    this.addSql(
      `create table \`package_version\` (\`id\` varchar(36) not null, \`package_name\` varchar(214) not null, \`version\` varchar(64) not null, \`integrity\` varchar(100) not null, \`size\` int not null, \`signature\` varchar(100) not null, \`key_id\` varchar(16) not null, \`publisher_id\` varchar(36) not null, \`manifest\` json not null, \`cairn\` varchar(191) not null, \`readme\` mediumtext not null, \`license\` mediumtext not null, \`icon_digest\` varchar(128) null, \`icon_type\` varchar(32) null, \`deprecated\` text null, \`yanked_at\` datetime(3) null, \`downloads\` bigint not null default '0', \`published_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`package_version\` add unique \`package_version_unique\` (\`package_name\`, \`version\`);`,
    );

    this.addSql(
      `create table \`publisher\` (\`id\` varchar(36) not null, \`name\` varchar(39) not null, \`email\` varchar(191) not null, \`password_hash\` text not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`publisher\` add unique \`publisher_name_unique\` (\`name\`);`);
    this.addSql(`alter table \`publisher\` add unique \`publisher_email_unique\` (\`email\`);`);

    this.addSql(
      `create table \`publisher_token\` (\`id\` varchar(36) not null, \`publisher_id\` varchar(36) not null, \`name\` varchar(191) not null, \`kind\` varchar(16) not null, \`secret_hash\` varchar(64) not null, \`prefix\` varchar(16) not null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) null, \`last_used_at\` datetime(3) null, \`revoked_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`publisher_token\` add index \`publisher_token_publisher_idx\` (\`publisher_id\`);`,
    );
    this.addSql(
      `alter table \`publisher_token\` add unique \`publisher_token_hash_unique\` (\`secret_hash\`);`,
    );

    this.addSql(
      `create table \`signing_key\` (\`key_id\` varchar(16) not null, \`publisher_id\` varchar(36) not null, \`public_key\` varchar(64) not null, \`name\` varchar(191) null, \`created_at\` datetime(3) not null, \`revoked_at\` datetime(3) null, primary key (\`key_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`signing_key\` add index \`signing_key_publisher_idx\` (\`publisher_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`package\`;`);
    this.addSql(`drop table if exists \`package_category\`;`);
    this.addSql(`drop table if exists \`package_version\`;`);
    this.addSql(`drop table if exists \`publisher\`;`);
    this.addSql(`drop table if exists \`publisher_token\`;`);
    this.addSql(`drop table if exists \`signing_key\`;`);
  }
}
