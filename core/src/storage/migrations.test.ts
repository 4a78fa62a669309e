import { describeMigrations } from '../test-support/migrations.js';
import { openDatabase } from './orm.js';

const TABLES = [
  'event',
  'event_source',
  'profile',
  'profile_identity',
  'session',
  'flow',
  'flow_version',
  'routing_rule',
  'resource',
  'consent_type',
  'audit_entry',
  'user_account',
  'auth_session',
  'api_token',
  'installed_plugin',
  'cairn_migrations',
];

describeMigrations('migrations', openDatabase, TABLES);
