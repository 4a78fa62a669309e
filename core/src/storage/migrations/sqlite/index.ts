import { Migration20261129050521_initial } from './Migration20261129050521_initial.js';

export const sqliteMigrations = [Migration20261129050521_initial];
