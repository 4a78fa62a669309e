import { Migration } from '@mikro-orm/migrations';

export class Migration20261129051632_flows extends Migration {
  override name = 'Migration20261129051632_flows';

  override up(): void | Promise<void> {
    this.addSql(
      'create table `flow` (`id` varchar(36) not null, `name` varchar(191) not null, `description` text not null, `draft` json not null, `deployed_version` int null, `created_at` datetime(3) not null, `updated_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB;',
    );
    this.addSql(
      'create table `flow_version` (`id` varchar(36) not null, `flow_id` varchar(36) not null, `version` int not null, `graph` json not null, `created_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB;',
    );
    this.addSql(
      'alter table `flow_version` add unique `flow_version_flow_version_unique` (`flow_id`, `version`);',
    );
    this.addSql(
      'create table `routing_rule` (`id` varchar(36) not null, `name` varchar(191) not null, `source_id` varchar(64) null, `event_type` varchar(128) not null, `flow_id` varchar(36) not null, `enabled` tinyint(1) not null default true, `position` int not null, `created_at` datetime(3) not null, `updated_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB;',
    );
    this.addSql('alter table `routing_rule` add index `routing_rule_event_type_index` (`event_type`);');
    this.addSql('alter table `routing_rule` add index `routing_rule_flow_id_index` (`flow_id`);');
  }

  override down(): void | Promise<void> {
    this.addSql('drop table if exists `flow`;');
    this.addSql('drop table if exists `flow_version`;');
    this.addSql('drop table if exists `routing_rule`;');
  }
}
