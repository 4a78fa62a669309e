import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { testDialects } from '../test-support/databases.js';
import { edge, kitNode, testKitEnv } from '../test-support/plugins.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

describe('resources used by deployed flows', function () {
  this.timeout(60_000);
  let server: TestServer;
  let smtp: SMTPServer;
  let smtpPort: number;
  let api: ReturnType<typeof createServer>;
  let apiUrl: string;
  const logins: string[] = [];
  const calls: IncomingHttpHeaders[] = [];

  before(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, done) {
        const ok =
          (auth.username === 'prod' && auth.password === 'prod-pw') ||
          (auth.username === 'test' && auth.password === 'test-pw');
        if (ok) logins.push(auth.username!);
        return ok ? done(null, { user: auth.username }) : done(new Error('bad login'));
      },
      onData(stream, _session, done) {
        stream.resume();
        stream.on('end', () => done());
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    api = createServer((request, response) => {
      calls.push(request.headers);
      response.writeHead(request.headers.authorization === 'Bearer live-token' ? 200 : 401).end();
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1/ping`;
    server = await startTestServer(sqlite!, {
      ...(await testKitEnv()),
      CAIRN_HTTP_ALLOW: '127.0.0.1',
    });
    await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
    await server.request('/api/consents', {
      admin: true,
      json: { id: 'marketing-email', name: 'Marketing e-mail' },
    });
  });
  after(async () => {
    await server.stop();
    smtp.close();
    api.close();
  });

  async function api_(path: string, init: { method?: string; json?: unknown } = {}) {
    const response = await server.request(path, { admin: true, ...init });
    return { status: response.status, body: (await response.json().catch(() => null)) as any };
  }

  async function deploy(type: string, nodes: unknown[], edges: unknown[]) {
    const flow = await api_('/api/flows', { json: { name: type, draft: { nodes, edges } } });
    expect(flow.body.validation.errors).to.deep.equal([]);
    expect((await api_(`/api/flows/${flow.body.id}/deploy`, { method: 'POST' })).status).to.equal(201);
    await api_('/api/rules', { json: { name: type, eventType: type, flowId: flow.body.id } });
    return flow.body.id as string;
  }

  it('sends mail with production credentials for events and test credentials in debug runs, only with consent', async () => {
    const relay = await api_('/api/resources', {
      json: {
        type: 'smtp',
        name: 'Relay',
        production: {
          config: { host: '127.0.0.1', port: smtpPort, username: 'prod', from: 'shop@example.com' },
          secrets: { password: 'prod-pw' },
        },
        test: {
          config: { host: '127.0.0.1', port: smtpPort, username: 'test', from: 'shop@example.com' },
          secrets: { password: 'test-pw' },
        },
      },
    });
    const flowId = await deploy(
      'newsletter',
      [kitNode('start', 'start'), kitNode('mail', 'mail', { server: relay.body.id, to: 'ann@example.com' })],
      [edge('start', 'out', 'mail')],
    );
    const tracked = await server.request('/track', {
      json: { source: { id: 'web' }, events: [{ type: 'newsletter' }] },
    });
    const first = (await tracked.json()) as any;
    expect(first.errors).to.deep.equal([]);
    expect(logins, 'no consent, no mail').to.deep.equal([]);

    await server.request('/customer/consent', {
      json: { source: { id: 'web' }, profile: first.profile, consents: { 'marketing-email': true } },
    });
    const again = (await (
      await server.request('/track', {
        json: { source: { id: 'web' }, profile: first.profile, events: [{ type: 'newsletter' }] },
      })
    ).json()) as any;
    expect(again.errors).to.deep.equal([]);
    expect(logins).to.deep.equal(['prod']);

    const debug = await api_(`/api/flows/${flowId}/debug`, {
      method: 'POST',
      json: { event: { type: 'newsletter' }, profile: { consents: { 'marketing-email': { revoke: null } } } },
    });
    expect(debug.status).to.equal(200);
    const mailTrace = debug.body.flows[0].trace.find((t: any) => t.nodeId === 'mail');
    expect(mailTrace.emissions[0].payload).to.deep.equal({
      accepted: ['ann@example.com'],
      host: '127.0.0.1',
    });
    expect(logins).to.deep.equal(['prod', 'test']);
  });

  it('injects an HTTP credential in the server process; the flow never holds it', async () => {
    const token = await api_('/api/resources', {
      json: {
        type: 'http-auth',
        name: 'API',
        production: { config: { scheme: 'bearer' }, secrets: { value: 'live-token' } },
      },
    });
    await deploy(
      'ping-api',
      [kitNode('start', 'start'), kitNode('call', 'call', { auth: token.body.id, url: apiUrl })],
      [edge('start', 'out', 'call')],
    );
    const result = (await (
      await server.request('/track', { json: { source: { id: 'web' }, events: [{ type: 'ping-api' }] } })
    ).json()) as any;
    expect(result.errors).to.deep.equal([]);
    expect(calls.at(-1)!.authorization).to.equal('Bearer live-token');
  });

  it('reports a missing resource or one of the wrong type on the node that names it', async () => {
    const token = await api_('/api/resources', {
      json: {
        type: 'http-auth',
        name: 'API 2',
        production: { config: { scheme: 'bearer' }, secrets: { value: 'x' } },
      },
    });
    const draft = {
      nodes: [
        kitNode('start', 'start'),
        kitNode('mail', 'mail', { server: token.body.id, to: 'a@example.com' }),
        kitNode('call', 'call', { auth: 'no-such-resource', url: apiUrl }),
      ],
      edges: [edge('start', 'out', 'mail'), edge('start', 'out', 'call')],
    };
    const flow = await api_('/api/flows', { json: { name: 'bad refs', draft } });
    const errors = flow.body.validation.errors as { code: string; nodeId: string; path: string }[];
    expect(errors.find((e) => e.code === 'wrong_resource_type')).to.include({
      nodeId: 'mail',
      path: 'nodes[1].data.config.server',
    });
    expect(errors.find((e) => e.code === 'unknown_resource')).to.include({
      nodeId: 'call',
      path: 'nodes[2].data.config.auth',
    });
    expect((await api_(`/api/flows/${flow.body.id}/deploy`, { method: 'POST' })).status).to.equal(422);
  });
});
