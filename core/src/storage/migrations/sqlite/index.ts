import { Migration20261129050521_initial } from './Migration20261129050521_initial.js';
import { Migration20261129051632_flows } from './Migration20261129051632_flows.js';
import { Migration20261129055335_resources_consents } from './Migration20261129055335_resources_consents.js';
import { Migration20261129063542_audit } from './Migration20261129063542_audit.js';
import { Migration20261130020558_auth } from './Migration20261130020558_auth.js';
import { Migration20261130021534_listing_indexes } from './Migration20261130021534_listing_indexes.js';
import { Migration20261130021940_installed_plugins } from './Migration20261130021940_installed_plugins.js';

/** Applied in this order; append new migrations at the end. */
export const sqliteMigrations = [
  Migration20261129050521_initial,
  Migration20261129051632_flows,
  Migration20261129055335_resources_consents,
  Migration20261129063542_audit,
  Migration20261130020558_auth,
  Migration20261130021534_listing_indexes,
  Migration20261130021940_installed_plugins,
];
