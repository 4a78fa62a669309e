import { Migration } from '@mikro-orm/migrations';

export class Migration20261130020558_auth extends Migration {
  override name = 'Migration20261130020558_auth';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`api_token\` (\`id\` text not null primary key, \`user_id\` text not null, \`name\` text not null, \`permissions\` json not null, \`secret_hash\` text not null, \`prefix\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime null, \`last_used_at\` datetime null, \`revoked_at\` datetime null);`,
    );
    this.addSql(`create index \`api_token_user_idx\` on \`api_token\` (\`user_id\`);`);
    this.addSql(`create unique index \`api_token_hash_unique\` on \`api_token\` (\`secret_hash\`);`);

    this.addSql(
      `create table \`auth_session\` (\`id\` text not null primary key, \`user_id\` text not null, \`kind\` text not null, \`csrf_token\` text not null, \`ip\` text null, \`user_agent\` text null, \`created_at\` datetime not null, \`expires_at\` datetime not null);`,
    );
    this.addSql(`create index \`auth_session_user_idx\` on \`auth_session\` (\`user_id\`);`);

    this.addSql(
      `create table \`user_account\` (\`id\` text not null primary key, \`email\` text not null, \`name\` text not null, \`roles\` json not null, \`enabled\` integer not null, \`expires_at\` datetime null, \`password_hash\` text not null, \`password_changed_at\` datetime not null, \`last_login_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`user_account_email_unique\` on \`user_account\` (\`email\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`api_token\`;`);
    this.addSql(`drop table if exists \`auth_session\`;`);
    this.addSql(`drop table if exists \`user_account\`;`);
  }
}
