import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021534_listing_indexes extends Migration {
  override name = 'Migration20261130021534_listing_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index \`event_time_idx\` on \`event\` (\`created_at\`, \`id\`);`);
    this.addSql(`create index \`event_status_time_idx\` on \`event\` (\`status\`, \`created_at\`);`);

    this.addSql(`create index \`profile_created_idx\` on \`profile\` (\`created_at\`, \`id\`);`);

    this.addSql(`create index \`session_profile_time_idx\` on \`session\` (\`profile_id\`, \`created_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`event_time_idx\`;`);
    this.addSql(`drop index \`event_status_time_idx\`;`);

    this.addSql(`drop index \`profile_created_idx\`;`);

    this.addSql(`drop index \`session_profile_time_idx\`;`);
  }
}
