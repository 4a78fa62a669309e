import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { testDialects } from '../test-support/databases.js';
import { edge, kitNode, testKitEnv } from '../test-support/plugins.js';
import { startTestServer, TEST_ADMIN, TEST_ADMIN_TOKEN, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

/** Resolves with the first `name` message that `match` accepts. */
function next<T>(socket: Socket, name: string, match: (message: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: T) => {
      if (!match(message)) return;
      socket.off(name, listener);
      resolve(message);
    };
    socket.on(name, listener);
  });
}

describe('live updates over socket.io', function () {
  this.timeout(60_000);
  let server: TestServer;
  let flowId: string;
  const clients: Socket[] = [];

  const connect = (auth: Record<string, string> = { token: TEST_ADMIN_TOKEN }) => {
    const client = io(`${server.url}/live`, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    clients.push(client);
    return client;
  };
  const connected = (client: Socket) =>
    new Promise<void>((resolve, reject) => {
      client.once('connect', resolve).once('connect_error', reject);
    });
  const subscribe = (client: Socket, subscription: object) =>
    client.emitWithAck('subscribe', subscription) as Promise<{ ok?: true; error?: { code: string } }>;
  const track = async (events: object[], profile?: string) => {
    const response = await server.request('/track', {
      json: { source: { id: 'web' }, ...(profile ? { profile: { id: profile } } : {}), events },
    });
    expect(response.status).to.equal(200);
    return (await response.json()) as { profile: { id: string }; events: string[] };
  };

  before(async () => {
    server = await startTestServer(sqlite!, { ...(await testKitEnv()), CAIRN_LIVE_MAX_QUEUE: '20' });
    await server.request('/api/sources', {
      admin: true,
      json: { id: 'web', name: 'Web', type: 'javascript' },
    });
    const flow = await server.request('/api/flows', {
      admin: true,
      json: {
        name: 'Counter',
        draft: {
          nodes: [
            kitNode('start', 'start'),
            kitNode('bump', 'bump', { path: 'stats.counters.clicks', segment: 'clickers' }),
          ],
          edges: [edge('start', 'out', 'bump')],
        },
      },
    });
    flowId = ((await flow.json()) as { id: string }).id;
    expect(
      (await server.request(`/api/flows/${flowId}/deploy`, { admin: true, method: 'POST' })).status,
    ).to.equal(201);
    const rule = await server.request('/api/rules', {
      admin: true,
      json: { name: 'clicks', eventType: 'click', flowId },
    });
    expect(rule.status).to.equal(201);
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await server.stop();
  });

  it('refuses a client without a credential, or with a wrong one', async () => {
    for (const auth of [{}, { token: 'ct_wrong' }] as Record<string, string>[]) {
      const error = await connected(connect(auth)).then(
        () => null,
        (e: Error & { data?: { code: string } }) => e,
      );
      expect(error?.data?.code).to.equal('unauthorized');
    }
  });

  it('streams the events and the per-node trace of a /track the client caused', async () => {
    const session = await server.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const client = connect({ token: session });
    await connected(client);
    expect(await subscribe(client, { stream: 'events', source: 'web', type: 'click' })).to.deep.equal({
      ok: true,
    });
    expect(await subscribe(client, { stream: 'traces', flow: flowId })).to.deep.equal({ ok: true });
    const event = next<{ id: string; type: string }>(client, 'event');
    const trace = next<{ flowId: string; eventId: string; status: string; trace: { nodeId: string }[] }>(
      client,
      'trace',
    );
    const tracked = await track([{ type: 'click', properties: { button: 'buy' } }]);
    const [eventId] = tracked.events;
    expect((await event).id).to.equal(eventId);
    const received = await trace;
    expect(received.eventId).to.equal(eventId);
    expect(received.flowId).to.equal(flowId);
    expect(received.status).to.equal('ok');
    expect(received.trace.map((t) => t.nodeId)).to.deep.equal(['start', 'bump']);
  });

  it('filters by type: an event of another type is not sent', async () => {
    const client = connect();
    await connected(client);
    await subscribe(client, { stream: 'events', type: 'purchase' });
    const seen: string[] = [];
    client.on('event', (e: { type: string }) => seen.push(e.type));
    const purchase = next(client, 'event');
    await track([{ type: 'click' }]);
    await track([{ type: 'purchase' }]);
    await purchase;
    expect(seen).to.deep.equal(['purchase']);
  });

  it('sends the changes of a watched profile', async () => {
    const first = await track([{ type: 'page-view' }]);
    const client = connect();
    await connected(client);
    await subscribe(client, { stream: 'profile', id: first.profile.id });
    const changed = next<{ id: string; stats: { counters: Record<string, number> }; segments: string[] }>(
      client,
      'profile',
      (p) => p.stats.counters.clicks === 1,
    );
    await track([{ type: 'click' }], first.profile.id);
    const profile = await changed;
    expect(profile.id).to.equal(first.profile.id);
    expect(profile.segments).to.include('clickers');
  });

  it('refuses a stream the credential has no permission for', async () => {
    const session = await server.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const created = await server.request('/api/tokens', {
      bearer: session,
      json: { name: 'live only', permissions: ['live:read', 'events:read'] },
    });
    const { token } = (await created.json()) as { token: string };
    const client = connect({ token });
    await connected(client);
    expect((await subscribe(client, { stream: 'events' })).ok).to.equal(true);
    expect((await subscribe(client, { stream: 'traces' })).error?.code).to.equal('forbidden');
    expect((await subscribe(client, { stream: 'nonsense' })).error?.code).to.equal('validation_failed');
  });

  it('drops a client that stops reading, while the others get every event', async () => {
    const slow = connect();
    await connected(slow);
    await subscribe(slow, { stream: 'events', type: 'bulk' });
    const healthy = connect();
    await connected(healthy);
    await subscribe(healthy, { stream: 'events', type: 'bulk' });
    let received = 0;
    healthy.on('event', () => received++);
    // Stop reading from the slow client's TCP socket: the server's buffers for it fill up.
    const transport = (
      slow.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void } } } } }
    ).engine.transport;
    transport.ws._socket.pause();
    const text = 'x'.repeat(200_000);
    const sent = 60;
    for (let i = 0; i < sent; i++) await track([{ type: 'bulk', properties: { text } }]);
    while (received < sent) await new Promise((resolve) => setTimeout(resolve, 20));
    const metrics = await (await server.request('/metrics', { admin: true })).text();
    expect(metrics).to.match(/^cairn_live_clients_dropped_total [1-9]/m);
    expect(received).to.equal(sent);
  });
});
