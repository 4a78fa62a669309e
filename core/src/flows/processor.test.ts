import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { testDialects } from '../test-support/databases.js';
import { deployFlow, testKitEnv, viewsFlow } from '../test-support/plugins.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

interface TraceMessage {
  eventId: string;
  trace: { nodeId: string; payload: unknown; emissions: { port: string; payload: unknown }[] }[];
}

describe('event processing', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer(sqlite!, await testKitEnv());
    await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
    await deployFlow(server, 'view', ...viewsFlow);
  });
  after(() => server.stop());

  const track = async (profile?: string) => {
    const response = await server.request('/track', {
      json: {
        source: { id: 'web' },
        ...(profile ? { profile: { id: profile } } : {}),
        events: [{ type: 'view', properties: { page: '/shoes' } }],
      },
    });
    expect(response.status).to.equal(200);
    return (await response.json()) as { profile: { id: string }; events: string[]; errors: string[] };
  };

  it('commits what the flows did whether or not anyone watches the traces', async () => {
    const first = await track();
    await track(first.profile.id);
    const stored = (await (
      await server.request(`/api/profiles/${first.profile.id}`, { admin: true })
    ).json()) as {
      stats: { counters: Record<string, number> };
      segments: string[];
    };
    expect(stored.stats.counters.views).to.equal(2);
    expect(stored.segments).to.deep.equal(['viewers']);
    const events = (await (
      await server.request(`/api/events?profile=${first.profile.id}`, { admin: true })
    ).json()) as { items: { metadata: { status: string } }[] };
    expect(events.items.map((e) => e.metadata.status)).to.deep.equal(['processed', 'processed']);
  });

  it('streams full traces, payloads and emissions included, to a client watching them', async () => {
    const client: Socket = io(`${server.url}/live`, {
      auth: { token: TEST_ADMIN_TOKEN },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) =>
        client.once('connect', resolve).once('connect_error', reject),
      );
      expect(await client.emitWithAck('subscribe', { stream: 'traces' })).to.deep.equal({ ok: true });
      const message = new Promise<TraceMessage>((resolve) => client.once('trace', resolve));
      const tracked = await track();
      const { eventId, trace } = await message;
      expect(eventId).to.equal(tracked.events[0]);
      const [start, bump] = trace;
      expect(start!.payload).to.deep.include({ id: eventId, properties: { page: '/shoes' } });
      expect(bump!.emissions.map((e) => e.port)).to.deep.equal(['out']);
      expect(bump!.emissions[0]!.payload).to.deep.include({ id: eventId });
    } finally {
      client.disconnect();
    }
  });
});
