import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021926_registry extends Migration {
  override name = 'Migration20261130021926_registry';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`package\` (\`name\` text not null primary key, \`publisher_id\` text not null, \`latest_version\` text null, \`title\` text not null, \`description\` text not null, \`categories\` json not null, \`search_text\` text not null, \`downloads\` bigint not null default '0', \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create index \`package_publisher_idx\` on \`package\` (\`publisher_id\`);`);
    this.addSql(`create index \`package_downloads_idx\` on \`package\` (\`downloads\`, \`name\`);`);
    this.addSql(`create index \`package_updated_idx\` on \`package\` (\`updated_at\`, \`name\`);`);

    this.addSql(
      `create table \`package_category\` (\`package_name\` text not null, \`category\` text not null, primary key (\`package_name\`, \`category\`));`,
    );
    this.addSql(`create index \`package_category_category_idx\` on \`package_category\` (\`category\`);`);

    this.addSql(
      `create table \`package_version\` (\`id\` text not null primary key, \`package_name\` text not null, \`version\` text not null, \`integrity\` text not null, \`size\` integer not null, \`signature\` text not null, \`key_id\` text not null, \`publisher_id\` text not null, \`manifest\` json not null, \`cairn\` text not null, \`readme\` mediumtext not null, \`license\` mediumtext not null, \`icon_digest\` text null, \`icon_type\` text null, \`deprecated\` text null, \`yanked_at\` datetime null, \`downloads\` bigint not null default '0', \`published_at\` datetime not null);`,
    );
    this.addSql(
      `create unique index \`package_version_unique\` on \`package_version\` (\`package_name\`, \`version\`);`,
    );

    this.addSql(
      `create table \`publisher\` (\`id\` text not null primary key, \`name\` text not null, \`email\` text not null, \`password_hash\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`publisher_name_unique\` on \`publisher\` (\`name\`);`);
    this.addSql(`create unique index \`publisher_email_unique\` on \`publisher\` (\`email\`);`);

    this.addSql(
      `create table \`publisher_token\` (\`id\` text not null primary key, \`publisher_id\` text not null, \`name\` text not null, \`kind\` text not null, \`secret_hash\` text not null, \`prefix\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime null, \`last_used_at\` datetime null, \`revoked_at\` datetime null);`,
    );
    this.addSql(`create index \`publisher_token_publisher_idx\` on \`publisher_token\` (\`publisher_id\`);`);
    this.addSql(
      `create unique index \`publisher_token_hash_unique\` on \`publisher_token\` (\`secret_hash\`);`,
    );

    this.addSql(
      `create table \`signing_key\` (\`key_id\` text not null primary key, \`publisher_id\` text not null, \`public_key\` text not null, \`name\` text null, \`created_at\` datetime not null, \`revoked_at\` datetime null);`,
    );
    this.addSql(`create index \`signing_key_publisher_idx\` on \`signing_key\` (\`publisher_id\`);`);
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
