import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021534_listing_indexes extends Migration {
  override name = 'Migration20261130021534_listing_indexes';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`event\` add index \`event_time_idx\` (\`created_at\`, \`id\`);`);
    this.addSql(`alter table \`event\` add index \`event_status_time_idx\` (\`status\`, \`created_at\`);`);
    this.addSql(`alter table \`profile\` add index \`profile_created_idx\` (\`created_at\`, \`id\`);`);
    this.addSql(
      `alter table \`session\` add index \`session_profile_time_idx\` (\`profile_id\`, \`created_at\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`event\` drop index \`event_time_idx\`;`);
    this.addSql(`alter table \`event\` drop index \`event_status_time_idx\`;`);
    this.addSql(`alter table \`profile\` drop index \`profile_created_idx\`;`);
    this.addSql(`alter table \`session\` drop index \`session_profile_time_idx\`;`);
  }
}
