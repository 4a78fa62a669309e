import { Migration20261129050521_initial } from './Migration20261129050521_initial.js';

export const mysqlMigrations = [Migration20261129050521_initial];
