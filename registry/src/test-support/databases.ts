import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Dialect } from '../storage/orm.js';

export interface TestDatabase {
  url: string;
  /** Removes the database (MySQL) or its folder (SQLite). */
  drop(): Promise<void>;
}

export interface TestDialect {
  name: Dialect;
  create(): Promise<TestDatabase>;
}

const sqlite: TestDialect = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-registry-test-'));
    return {
      url: `sqlite:${join(dir, 'registry.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

function mysql(serverUrl: string): TestDialect {
  return {
    name: 'mysql',
    async create() {
      const name = `cairn_registry_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = await createConnection(serverUrl);
      try {
        await admin.query(`create database \`${name}\` character set utf8mb4`);
      } finally {
        await admin.end();
      }
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        drop: async () => {
          const connection = await createConnection(serverUrl);
          try {
            await connection.query(`drop database if exists \`${name}\``);
          } finally {
            await connection.end();
          }
        },
      };
    },
  };
}

/**
 * The dialects the suites run on: SQLite always, MySQL/MariaDB when `CAIRN_TEST_MYSQL_URL` names a
 * server. Under CI (`CI=true`) a missing MySQL URL is an error, never a silent skip.
 */
export function testDialects(): TestDialect[] {
  const url = process.env.CAIRN_TEST_MYSQL_URL;
  if (!url) {
    if (process.env.CI === 'true') {
      throw new Error('CAIRN_TEST_MYSQL_URL must be set under CI: the registry suites run on MySQL too.');
    }
    return [sqlite];
  }
  return [sqlite, mysql(url)];
}
