import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { loadConfig } from '../config/config.js';
import { startServer } from '../server.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

/** A GET with the path exactly as given (no URL normalisation). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers: { accept: 'text/html' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

describe('the console at /', () => {
  let server: TestServer;
  // The console folder sits beside a package.json, so a path escaping it would show.
  const root = mkdtempSync(join(tmpdir(), 'cairn-console-'));
  const dir = join(root, 'dist');

  before(async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name": "secret-package"}');
    writeFileSync(join(dir, 'a b.js'), 'spaced');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Cairn console</title>');
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("cairn")');
    server = await startTestServer(sqlite!, { CAIRN_CONSOLE_DIR: dir });
  });
  after(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the page at / and for deep links, never cached', async () => {
    for (const path of ['/', '/flows/0192-abc', '/profiles?id=x']) {
      const response = await server.request(path, { headers: { accept: 'text/html' } });
      expect(response.status, path).to.equal(200);
      expect(await response.text()).to.contain('Cairn console');
      expect(response.headers.get('cache-control')).to.equal('no-cache');
      expect(response.headers.get('x-frame-options')).to.equal('DENY');
    }
  });

  it('serves hashed assets with a long cache, and 404 for a missing one', async () => {
    const asset = await server.request('/assets/app-1a2b.js');
    expect(asset.status).to.equal(200);
    expect(asset.headers.get('cache-control')).to.contain('immutable');
    expect(asset.headers.get('content-type')).to.contain('javascript');
    expect((await server.request('/assets/gone.js')).status).to.equal(404);
    const spaced = await server.request('/a%20b.js');
    expect(await spaced.text()).to.equal('spaced');
  });

  it('leaves the API, the collector and files outside the folder alone', async () => {
    const api = await server.request('/api/flows', { headers: { accept: 'text/html' } });
    expect(api.status).to.equal(401);
    expect(api.headers.get('content-type')).to.contain('json');
    expect((await server.request('/healthz')).status).to.equal(200);
    // fetch would normalise `..` away; a raw request sends the path as an attacker would.
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const { status, body } = await rawGet(server.url, path);
      expect(body, path).not.to.contain('secret-package');
      // Either refused, or a page path the console's router answers with its index page.
      if (status === 200) expect(body, path).to.contain('Cairn console');
      else expect(status, path).to.be.oneOf([400, 403, 404]);
    }
  });
});

describe('a client that leaves while a console file is sent', () => {
  it('is logged as a JSON debug line, not as a stack trace on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-console-big-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Cairn console</title>');
    writeFileSync(join(dir, 'assets', 'big-1a2b.js'), 'x'.repeat(32 << 20));
    const database = await sqlite!.create();
    const lines: { level: number; msg: string }[] = [];
    const logs = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const printed: unknown[] = [];
    const print = console.error;
    console.error = (...args: unknown[]) => printed.push(args);
    const server = await startServer(
      loadConfig({
        CAIRN_PORT: '0',
        CAIRN_HOST: '127.0.0.1',
        CAIRN_DATA_DIR: dir,
        CAIRN_DATABASE_URL: database.url,
        CAIRN_CONSOLE_DIR: dir,
        CAIRN_INITIAL_ADMIN_PASSWORD: 'console-test-password-0123',
      }),
      pino({ level: 'debug' }, logs),
    );
    try {
      const { hostname, port } = new URL(server.url);
      await new Promise<void>((resolve, reject) => {
        const req = request({ hostname, port, path: '/assets/big-1a2b.js' }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.on('close', resolve);
        req.once('error', reject).end();
      });
      const said = () =>
        lines.some((l) => l.msg === 'the client closed the connection before the answer ended');
      for (let i = 0; i < 50 && !said(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(said()).to.equal(true);
      expect(lines.filter((l) => l.level >= 50)).to.deep.equal([]);
      expect(printed).to.deep.equal([]);
    } finally {
      console.error = print;
      await server.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
