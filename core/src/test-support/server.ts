import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../config/config.js';
import { type RunningServer, startServer } from '../server.js';
import type { TestDialect } from './databases.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestServer extends RunningServer {
  databaseUrl: string;
  /** Drops the test database (for tests that closed the server themselves). */
  dropDatabase(): Promise<void>;
  /** fetch against the server with JSON in and out. */
  request(path: string, init?: RequestInit & { json?: unknown; admin?: boolean }): Promise<Response>;
  stop(): Promise<void>;
}

/** A real Cairn server on a loopback port, on a fresh database of the given dialect. */
export async function startTestServer(
  dialect: TestDialect,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const database = await dialect.create();
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-data-'));
  const config = loadConfig({
    CAIRN_PORT: '0',
    CAIRN_HOST: '127.0.0.1',
    CAIRN_DATA_DIR: dataDir,
    CAIRN_DATABASE_URL: database.url,
    CAIRN_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...env,
  });
  const server = await startServer(config, pino({ level: 'silent' }));
  return {
    ...server,
    databaseUrl: database.url,
    async dropDatabase() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    request(path, init = {}) {
      const { json, admin, headers, ...rest } = init;
      const allHeaders = new Headers(headers);
      if (json !== undefined) allHeaders.set('content-type', 'application/json');
      if (admin) allHeaders.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
      return fetch(`${server.url}${path}`, {
        ...rest,
        headers: allHeaders,
        ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}),
      });
    },
    async stop() {
      await server.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
