import { Migration } from '@mikro-orm/migrations';

export class Migration20261130020558_auth extends Migration {
  override name = 'Migration20261130020558_auth';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`api_token\` (\`id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`name\` varchar(191) not null, \`permissions\` json not null, \`secret_hash\` varchar(64) not null, \`prefix\` varchar(16) not null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) null, \`last_used_at\` datetime(3) null, \`revoked_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`api_token\` add index \`api_token_user_idx\` (\`user_id\`);`);
    this.addSql(`alter table \`api_token\` add unique \`api_token_hash_unique\` (\`secret_hash\`);`);

    this.addSql(
      `create table \`auth_session\` (\`id\` varchar(64) not null, \`user_id\` varchar(36) not null, \`kind\` varchar(16) not null, \`csrf_token\` varchar(64) not null, \`ip\` varchar(64) null, \`user_agent\` varchar(512) null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`auth_session\` add index \`auth_session_user_idx\` (\`user_id\`);`);

    this.addSql(
      `create table \`user_account\` (\`id\` varchar(36) not null, \`email\` varchar(191) not null, \`name\` varchar(191) not null, \`roles\` json not null, \`enabled\` tinyint(1) not null, \`expires_at\` datetime(3) null, \`password_hash\` text not null, \`password_changed_at\` datetime(3) not null, \`last_login_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`user_account\` add unique \`user_account_email_unique\` (\`email\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`api_token\`;`);
    this.addSql(`drop table if exists \`auth_session\`;`);
    this.addSql(`drop table if exists \`user_account\`;`);
  }
}
