import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

/** A registry that answers with records no real registry would send. */
describe('a registry that answers nonsense', () => {
  let registry: Server;
  let server: TestServer;
  const pages: Record<string, unknown> = {
    '/api/packages/%40evil%2Fplugin-x': {
      latest: '1.0.0',
      manifest: { name: '@evil/plugin-x', nodes: 'not a list' },
    },
    '/api/packages/%40evil%2Fplugin-x/1.0.0': {
      integrity: 'md5-abc',
      signature: 'x',
      keyId: '../../etc/passwd',
      publisher: 'evil',
    },
  };

  before(async () => {
    registry = createServer((request, response) => {
      const page = pages[request.url!.split('?')[0]!];
      response
        .writeHead(page ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(page ?? {}));
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
    server = await startTestServer(sqlite!, {
      CAIRN_REGISTRIES: url,
      CAIRN_TRUSTED_KEYS: 'A'.repeat(43),
    });
  });
  after(async () => {
    await server.stop();
    registry.close();
  });

  it('refuses an invalid version record before fetching or trusting anything', async () => {
    const response = await server.request('/api/plugins/install', {
      admin: true,
      json: { name: '@evil/plugin-x' },
    });
    expect(response.status).to.equal(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.equal('registry_error');
    expect(body.error.message).to.contain('invalid record');
  });

  it('does not summarise permissions from an invalid manifest', async () => {
    const response = await server.request(`/api/marketplace/${encodeURIComponent('@evil/plugin-x')}`, {
      admin: true,
    });
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { permissions: unknown; compatible: unknown };
    expect(body.permissions).to.equal(null);
    expect(body.compatible).to.equal(null);
  });
});
