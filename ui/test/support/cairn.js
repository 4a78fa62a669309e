// A real Cairn server for the browser tests: its own data folder and SQLite file, the built-in
// plugins, users made with the CLI, and Debian's Chromium driven by playwright-core.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ROOT = resolve(UI_DIR, '..');
const CLI = join(ROOT, 'core/dist/cli/main.js');
export const CHROMIUM = '/usr/bin/chromium';

export async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function waitUntilReady(url, child, output) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Cairn exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      const answer = await fetch(`${url}/readyz`);
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `cairn serve` on a free port with a fresh data folder. `env` adds settings.
 * @returns the server's URL (the console's origin), an admin-token fetch for set-up, user creation and stop.
 */
export async function startCairn(env = {}) {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build the workspace first (npx tsc -b at the root).`);
  const dataDir = await mkdtemp(join(tmpdir(), 'cairn-ui-test-'));
  const port = await freePort();
  const adminToken = randomBytes(24).toString('hex');
  const serverEnv = {
    ...process.env,
    CAIRN_PORT: String(port),
    CAIRN_HOST: '127.0.0.1',
    CAIRN_DATA_DIR: dataDir,
    CAIRN_ADMIN_TOKEN: adminToken,
    CAIRN_LOG_LEVEL: 'warn',
    ...env,
  };
  delete serverEnv.CAIRN_DATABASE_URL;
  const output = [];
  const child = spawn(process.execPath, ['--no-node-snapshot', CLI, 'serve'], {
    cwd: ROOT,
    env: serverEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  const backend = `http://127.0.0.1:${port}`;
  await waitUntilReady(backend, child, output);

  const home = await fetch(`${backend}/`);
  if (!(home.headers.get('content-type') ?? '').includes('text/html')) {
    child.kill('SIGTERM');
    throw new Error(`Cairn does not serve the console at / (${home.status}); is ui/dist built?`);
  }
  const url = backend;

  return {
    url,
    dataDir,
    output,
    /** Calls the admin API with the machine credential, for set-up and checks outside the browser. */
    async api(path, { method = 'GET', json } = {}) {
      const answer = await fetch(`${backend}${path}`, {
        method: json && method === 'GET' ? 'POST' : method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(json ? { 'content-type': 'application/json' } : {}),
        },
        body: json ? JSON.stringify(json) : undefined,
      });
      const text = await answer.text();
      const body = text ? JSON.parse(text) : undefined;
      if (!answer.ok) throw new Error(`${method} ${path} → ${answer.status} ${text}`);
      return body;
    },
    /** `POST /track` as a site would send it. */
    async track(payload) {
      const answer = await fetch(`${backend}/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      if (!answer.ok) throw new Error(`/track → ${answer.status} ${await answer.text()}`);
      return answer.json();
    },
    /** `cairn user create` with the server's settings. */
    async createUser({ email, name, role, password }) {
      const roles = Array.isArray(role) ? role : [role];
      const { stdout } = await run(
        process.execPath,
        [
          CLI,
          'user',
          'create',
          '--email',
          email,
          '--name',
          name,
          ...roles.flatMap((r) => ['--role', r]),
          '--password',
          password,
        ],
        { cwd: ROOT, env: serverEnv },
      );
      return JSON.parse(stdout);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless; never a downloaded browser. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page that records console errors and uncaught exceptions, so a test can say there were none.
 * @param {import('playwright-core').Browser} browser
 */
export async function openPage(browser, baseURL, viewport = { width: 1366, height: 768 }) {
  // Reduced motion: the console then skips its transitions, so what a test sees has settled.
  const context = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, context, problems };
}

/** Logs in through the login form and waits for the console. */
export async function login(page, email, password) {
  await page.goto('/login');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('#side-nav, .editor', { state: 'attached' });
}

export const randomPassword = () => `pw-${randomBytes(9).toString('base64url')}`;
