import { Migration20261130021926_registry } from './Migration20261130021926_registry.js';

/** Applied in this order; append new migrations at the end. */
export const sqliteMigrations = [Migration20261130021926_registry];
