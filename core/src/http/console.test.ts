import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

describe('the console at /', () => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-console-'));

  before(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Cairn console</title>');
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("cairn")');
    server = await startTestServer(sqlite!, { CAIRN_CONSOLE_DIR: dir });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
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
  });

  it('leaves the API, the collector and files outside the folder alone', async () => {
    const api = await server.request('/api/flows', { headers: { accept: 'text/html' } });
    expect(api.status).to.equal(401);
    expect(api.headers.get('content-type')).to.contain('json');
    expect((await server.request('/healthz')).status).to.equal(200);
    const outside = await fetch(`${server.url}/%2e%2e/package.json`);
    expect(await outside.text()).not.to.contain('"name"');
  });
});
