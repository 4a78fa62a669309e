import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../config/config.js';
import { type RunningServer, startServer } from '../server.js';
import type { TestDialect } from './databases.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
/** The first admin account every test server starts with. */
export const TEST_ADMIN = { email: 'admin@localhost', password: 'test-admin-password-0123' };

export interface TestServer extends RunningServer {
  databaseUrl: string;
  /** Drops the test database (for tests that closed the server themselves). */
  dropDatabase(): Promise<void>;
  /** fetch against the server with JSON in and out. */
  request(
    path: string,
    init?: RequestInit & { json?: unknown; admin?: boolean; bearer?: string },
  ): Promise<Response>;
  /** Stops the server and starts it again on the same database and data folder, with more settings. */
  restart(env?: Record<string, string>): Promise<void>;
  /** Signs in with a bearer session token and returns it. */
  login(email: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/** A real Cairn server on a loopback port, on a fresh database of the given dialect. */
export async function startTestServer(
  dialect: TestDialect,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const database = await dialect.create();
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-data-'));
  const settings = {
    CAIRN_PORT: '0',
    CAIRN_HOST: '127.0.0.1',
    CAIRN_DATA_DIR: dataDir,
    CAIRN_DATABASE_URL: database.url,
    CAIRN_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    CAIRN_INITIAL_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...env,
  };
  const server = await startServer(loadConfig(settings), pino({ level: 'silent' }));
  const test: TestServer = {
    ...server,
    databaseUrl: database.url,
    async dropDatabase() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    request(path, init = {}) {
      const { json, admin, bearer, headers, ...rest } = init;
      const allHeaders = new Headers(headers);
      if (json !== undefined) allHeaders.set('content-type', 'application/json');
      if (admin) allHeaders.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
      if (bearer) allHeaders.set('authorization', `Bearer ${bearer}`);
      return fetch(`${test.url}${path}`, {
        ...rest,
        headers: allHeaders,
        ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}),
      });
    },
    async login(email, password) {
      const response = await test.request('/api/auth/login', { json: { email, password, mode: 'token' } });
      if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async restart(more = {}) {
      await test.close();
      const next = await startServer(loadConfig({ ...settings, ...more }), pino({ level: 'silent' }));
      Object.assign(test, { url: next.url, db: next.db, sandbox: next.sandbox, close: next.close });
    },
    async stop() {
      await test.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
