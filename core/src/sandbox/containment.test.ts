import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { EventSchema } from '../storage/entities.js';
import { testDialects } from '../test-support/databases.js';
import { deployFlow, edge, kitNode, testKitEnv, testKitPlugin } from '../test-support/plugins.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

/** start → attack(kind) → reply(done), run for events of type `name`. */
function attackFlow(server: TestServer, name: string, kind: string, url?: string, withErrorPort = false) {
  const nodes = [
    kitNode('start', 'start'),
    kitNode('attack', 'attack', { kind, ...(url ? { url } : {}) }),
    kitNode('done', 'reply', { key: 'done', value: 'yes' }),
  ];
  const edges = [edge('start', 'out', 'attack'), edge('attack', 'out', 'done')];
  if (withErrorPort) {
    nodes.push(kitNode('recover', 'reply', { key: 'recovered', value: 'yes' }));
    edges.push(edge('attack', 'error', 'recover'));
  }
  return deployFlow(server, name, nodes, edges);
}

async function track(server: TestServer, type: string) {
  const response = await server.request('/track', { json: { source: { id: 'web' }, events: [{ type }] } });
  expect(response.status, 'the event is accepted whatever its flows do').to.equal(200);
  const body = (await response.json()) as {
    events: string[];
    errors: string[];
    response: Record<string, string>;
  };
  const event = await server.db.em().findOneOrFail(EventSchema, { id: body.events[0] });
  return { ...body, status: event.status };
}

describe('sandbox containment, through the server', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer(sqlite!, {
      ...(await testKitEnv()),
      CAIRN_SANDBOX_CPU_MS: '600',
      CAIRN_SANDBOX_MEMORY_MB: '32',
      CAIRN_SANDBOX_OUTPUT_KB: '64',
    });
    await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
    await deployFlow(
      server,
      'ping',
      [kitNode('start', 'start'), kitNode('pong', 'reply', { key: 'pong', value: 'yes' })],
      [edge('start', 'out', 'pong')],
    );
  });
  after(() => server.stop());

  const attacks: [kind: string, expected: RegExp, url?: string][] = [
    ['spin', /time|cpu/i],
    ['memory', /memory/i],
    ['output', /output|large|limit/i],
    ['process', /process is not defined/i],
    ['fetch', /private|loopback|refused|not allowed/i, 'http://127.0.0.1:9/'],
    ['fetch', /linkLocal range/, 'http://169.254.169.254/latest/meta-data/'],
    ['fetch', /private|loopback|refused|not allowed/i, 'http://localhost:9/'],
  ];

  for (const [index, [kind, expected, url]] of attacks.entries()) {
    it(`contains "${kind}${url ? ` ${url}` : ''}": the node fails with a clear error, the server keeps serving`, async () => {
      const type = `attack-${index}`;
      await attackFlow(server, type, kind, url);
      const result = await track(server, type);
      expect(result.status).to.equal('error');
      expect(result.response).to.not.have.property('done');
      expect(result.errors).to.have.length(1);
      expect(result.errors[0], result.errors[0]).to.match(expected);
      const ping = await track(server, 'ping');
      expect(ping.response).to.deep.equal({ pong: 'yes' });
      expect(ping.status).to.equal('processed');
    });
  }

  it('finds no require in the sandbox', async () => {
    await attackFlow(server, 'attack-require', 'require');
    const result = await track(server, 'attack-require');
    expect(result.response).to.deep.equal({ done: 'yes' });
    expect(result.status).to.equal('processed');
  });

  it("routes a node's failure to its error port when one is connected", async () => {
    await attackFlow(server, 'attack-spin-handled', 'spin', undefined, true);
    const result = await track(server, 'attack-spin-handled');
    expect(result.response).to.deep.equal({ recovered: 'yes' });
    expect(result.status).to.equal('processed');
  });

  it('replaces a sandbox worker that dies, and runs the next event', async () => {
    const [pid] = server.sandbox.pids();
    const restarts = server.sandbox.restarts;
    process.kill(pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    expect(server.sandbox.restarts).to.equal(restarts + 1);
    expect(server.sandbox.pids()[0]).to.not.equal(pid);
    const ping = await track(server, 'ping');
    expect(ping.response).to.deep.equal({ pong: 'yes' });
  });
});

describe('event time limit', function () {
  this.timeout(60_000);

  it('stops flows that overrun it, marks the event, and replaces the worker', async () => {
    const server = await startTestServer(sqlite!, {
      ...(await testKitEnv()),
      CAIRN_SANDBOX_CPU_MS: '20000',
      CAIRN_EVENT_TIMEOUT_MS: '400',
    });
    try {
      await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
      await attackFlow(server, 'attack-spin', 'spin');
      const restarts = server.sandbox.restarts;
      const result = await track(server, 'attack-spin');
      expect(result.status).to.equal('error');
      expect(result.errors.join()).to.contain('event_timeout');
      expect(server.sandbox.restarts).to.equal(restarts + 1);
      await deployFlow(
        server,
        'ping',
        [kitNode('start', 'start'), kitNode('pong', 'reply', { key: 'pong', value: 'yes' })],
        [edge('start', 'out', 'pong')],
      );
      expect((await track(server, 'ping')).response).to.deep.equal({ pong: 'yes' });
    } finally {
      await server.stop();
    }
  });
});

describe('operator allow-list for plugin HTTP', function () {
  this.timeout(60_000);

  it('lets a node reach a loopback service once CAIRN_HTTP_ALLOW lists it, through the server process', async () => {
    const received: string[] = [];
    const service = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/hook`;
    const server = await startTestServer(sqlite!, {
      ...(await testKitEnv()),
      CAIRN_HTTP_ALLOW: '127.0.0.1',
    });
    try {
      await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
      await attackFlow(server, 'call-home', 'fetch', url);
      const result = await track(server, 'call-home');
      expect(result.errors).to.deep.equal([]);
      expect(result.response).to.deep.equal({ done: 'yes' });
      expect(received).to.deep.equal(['GET /hook']);
    } finally {
      await server.stop();
      service.close();
    }
  });
});

describe('operator approval of plugin permissions', function () {
  this.timeout(60_000);

  it('refuses the capability calls of a plugin the operator has not approved, and says so', async () => {
    const server = await startTestServer(sqlite!, {
      CAIRN_PLUGIN_DIRS: await testKitPlugin(),
      CAIRN_HTTP_ALLOW: '127.0.0.1',
    });
    try {
      const plugins = (await (await server.request('/api/plugins', { admin: true })).json()) as any;
      const approval = Object.fromEntries(
        plugins.items.map((p: { name: string; approved: boolean }) => [p.name, p.approved]),
      );
      expect(approval).to.include({
        '@cairn/plugin-test-kit': false,
        '@cairn/plugin-logic': true,
        '@cairn/plugin-webhook': true,
      });
      await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
      await attackFlow(server, 'unapproved', 'fetch', 'http://127.0.0.1:9/');
      const result = await track(server, 'unapproved');
      expect(result.status).to.equal('error');
      expect(result.errors[0]).to.match(/not approved by the operator/);
    } finally {
      await server.stop();
    }
  });
});
