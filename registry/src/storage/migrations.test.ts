import { describeMigrations } from '@cairn/core/test-support/migrations';
import { openDatabase } from './orm.js';

const TABLES = [
  'publisher',
  'publisher_token',
  'signing_key',
  'package',
  'package_category',
  'package_version',
  'registry_migrations',
];

describeMigrations('registry migrations', openDatabase, TABLES);
