import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

describe('bootstrap admin token', () => {
  it('is generated and printed on the first start only, kept in the data folder with mode 600', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-token-'));
    const config = loadConfig({ CAIRN_DATA_DIR: dataDir, CAIRN_PORT: '0', CAIRN_HOST: '127.0.0.1' });
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const first = await startServer(config, pino({ level: 'silent' }));
      await first.close();
      const second = await startServer(config, pino({ level: 'silent' }));
      const response = await fetch(`${second.url}/api/sources`, {
        headers: { authorization: `Bearer ${second.adminToken}` },
      });
      await second.close();
      process.stdout.write = write;

      const file = join(dataDir, 'admin-token');
      const token = readFileSync(file, 'utf8').trim();
      expect(token).to.have.length.greaterThan(30);
      expect(first.adminToken).to.equal(token);
      expect(second.adminToken).to.equal(token);
      expect(printed.filter((line) => line.includes(token))).to.have.length(1);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(response.status).to.equal(200);
    } finally {
      process.stdout.write = write;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
