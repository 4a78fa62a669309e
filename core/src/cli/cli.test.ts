import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { pino } from 'pino';
import { loadConfig } from '../config/config.js';
import { startServer } from '../server.js';

const BIN = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url));

function cairn(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('cairn CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-cli-'));
    env = { CAIRN_DATA_DIR: dataDir };
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrate applies the migrations to a new SQLite file in the data folder', async () => {
    const first = await cairn(['migrate'], env);
    expect(first.code, first.stderr).to.equal(0);
    expect(JSON.parse(first.stdout).applied).to.have.length.greaterThan(0);
    expect(existsSync(join(dataDir, 'cairn.sqlite'))).to.equal(true);
    const second = await cairn(['migrate'], env);
    expect(JSON.parse(second.stdout).applied).to.deep.equal([]);
  });

  it('source create prints the created source as JSON, and source list finds it', async () => {
    const created = await cairn(
      ['source', 'create', '--name', 'web', '--type', 'rest', '--origin', 'https://a.example.com'],
      env,
    );
    expect(created.code, created.stderr).to.equal(0);
    const source = JSON.parse(created.stdout);
    expect(source).to.include({ name: 'web', type: 'rest', enabled: true });
    expect(source.allowedOrigins).to.deep.equal(['https://a.example.com']);
    const listed = await cairn(['source', 'list'], env);
    expect(JSON.parse(listed.stdout).map((s: { id: string }) => s.id)).to.deep.equal([source.id]);
  });

  it('source create refuses an invalid type with a message naming the field', async () => {
    const result = await cairn(['source', 'create', '--name', 'web', '--type', 'fax'], env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('(type)');
  });

  it('an unknown command prints the usage and fails', async () => {
    const result = await cairn(['frobnicate'], env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('Usage: cairn');
  });
});

describe('first admin account', () => {
  it('is created on the first start only, its generated password printed once and never logged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-first-admin-'));
    const config = loadConfig({ CAIRN_DATA_DIR: dataDir, CAIRN_PORT: '0', CAIRN_HOST: '127.0.0.1' });
    const printed: string[] = [];
    const logged: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(line) });
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const first = await startServer(config, logger);
      await first.close();
      const second = await startServer(config, logger);
      process.stdout.write = write;
      const password = /password: (\S+)/.exec(printed.join(''))?.[1];
      expect(password).to.be.a('string');
      expect(printed.filter((line) => line.includes(password!))).to.have.length(1);
      expect(logged.join('')).not.to.contain(password!);
      const login = await fetch(`${second.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@localhost', password, mode: 'token' }),
      });
      const body = (await login.json()) as { user: { roles: string[] }; token: string };
      const sources = await fetch(`${second.url}/api/sources`, {
        headers: { authorization: `Bearer ${body.token}` },
      });
      await second.close();
      expect(login.status).to.equal(200);
      expect(body.user.roles).to.deep.equal(['admin']);
      expect(sources.status).to.equal(200);
      expect(existsSync(join(dataDir, 'admin-token'))).to.equal(false);
    } finally {
      process.stdout.write = write;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('cairn user', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-users-'));
  const env = { CAIRN_DATA_DIR: dataDir };
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a user with a generated password and resets it', async () => {
    const created = await cairn(
      ['user', 'create', '--email', 'Mia@Example.com', '--name', 'Mia', '--role', 'marketer'],
      env,
    );
    expect(created.code, created.stderr).to.equal(0);
    const user = JSON.parse(created.stdout);
    expect(user.email).to.equal('mia@example.com');
    expect(user.roles).to.deep.equal(['marketer']);
    expect(user.password).to.have.length.greaterThan(20);

    const reset = await cairn(
      ['user', 'reset-password', '--email', 'mia@example.com', '--password', 'a-new-long-password'],
      env,
    );
    expect(reset.code, reset.stderr).to.equal(0);
    expect(JSON.parse(reset.stdout)).to.deep.equal({ email: 'mia@example.com', reset: true });

    const listed = await cairn(['user', 'list'], env);
    expect(JSON.parse(listed.stdout).map((u: { email: string }) => u.email)).to.deep.equal([
      'mia@example.com',
    ]);
  });

  it('names the field of bad input and refuses a taken e-mail', async () => {
    const badRole = await cairn(['user', 'create', '--email', 'x@example.com', '--role', 'owner'], env);
    expect(badRole.code).to.equal(1);
    expect(badRole.stderr).to.contain('roles[0]');
    const short = await cairn(
      ['user', 'reset-password', '--email', 'mia@example.com', '--password', 'short'],
      env,
    );
    expect(short.code).to.equal(1);
    expect(short.stderr).to.contain('password');
    const taken = await cairn(['user', 'create', '--email', 'mia@example.com', '--role', 'admin'], env);
    expect(taken.code).to.equal(1);
    expect(taken.stderr).to.contain('exists');
  });
});
