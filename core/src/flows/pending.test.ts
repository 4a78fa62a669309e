import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createConnection } from 'mysql2/promise';
import { toSqlDate } from '../storage/sql.js';
import { testDialects } from '../test-support/databases.js';
import { edge, kitNode, testKitEnv } from '../test-support/plugins.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`events a stopped server left pending, on ${dialect.name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    /** A loopback service a flow calls; it reads the status its caller's event has meanwhile. */
    let probe: Server;
    const seen: string[] = [];

    before(async () => {
      server = await startTestServer(dialect, { ...(await testKitEnv()), CAIRN_HTTP_ALLOW: '127.0.0.1' });
      probe = createServer(async (_request, response) => {
        const listed = await server.request('/api/events?type=probe', { admin: true });
        const { items } = (await listed.json()) as { items: { metadata: { status: string } }[] };
        seen.push(...items.map((e) => e.metadata.status));
        response.end('{}');
      });
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
      const flow = await server.request('/api/flows', {
        admin: true,
        json: {
          name: 'Views',
          draft: {
            nodes: [
              kitNode('start', 'start'),
              kitNode('bump', 'bump', { path: 'stats.counters.views', segment: 'viewers' }),
            ],
            edges: [edge('start', 'out', 'bump')],
          },
        },
      });
      const { id } = (await flow.json()) as { id: string };
      await server.request(`/api/flows/${id}/deploy`, { admin: true, method: 'POST' });
      await server.request('/api/rules', {
        admin: true,
        json: { name: 'views', eventType: 'view', flowId: id },
      });
      const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
      const calling = await server.request('/api/flows', {
        admin: true,
        json: {
          name: 'Probe',
          draft: {
            nodes: [kitNode('start', 'start'), kitNode('call', 'attack', { kind: 'fetch', url })],
            edges: [edge('start', 'out', 'call')],
          },
        },
      });
      const probeFlow = ((await calling.json()) as { id: string }).id;
      await server.request(`/api/flows/${probeFlow}/deploy`, { admin: true, method: 'POST' });
      await server.request('/api/rules', {
        admin: true,
        json: { name: 'probe', eventType: 'probe', flowId: probeFlow },
      });
    });
    after(async () => {
      await server.stop();
      probe.close();
    });

    const track = async (types: string[], profile?: string) => {
      const response = await server.request('/track', {
        json: {
          source: { id: 'web' },
          ...(profile ? { profile: { id: profile } } : {}),
          events: types.map((type) => ({ type })),
        },
      });
      expect(response.status).to.equal(200);
      return (await response.json()) as { profile: { id: string }; events: string[] };
    };
    const sql = (statement: string, params: unknown[] = []) =>
      server.db.orm.em.getConnection().execute(statement, params, 'all');
    const status = async (id: string) =>
      (
        (await (await server.request(`/api/events/${id}`, { admin: true })).json()) as {
          metadata: { status: string };
        }
      ).metadata.status;
    const views = async (profile: string) =>
      (
        (await (await server.request(`/api/profiles/${profile}`, { admin: true })).json()) as {
          stats: { counters: Record<string, number> };
        }
      ).stats.counters.views;
    /** What a server stopped after storing an event and before committing its flows leaves behind. */
    const leavePending = (id: string, type: string, storedMsAgo: number) =>
      sql(`update event set type = ?, status = 'pending', inserted_at = ? where id = ?`, [
        type,
        toSqlDate(server.db.dialect, new Date(Date.now() - storedMsAgo)),
        id,
      ]);
    const settled = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const now = await status(id);
        if (now !== 'pending') return now;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return 'pending';
    };

    it('keeps an event pending while its flows run', async () => {
      const { events } = await track(['probe']);
      expect(seen).to.deep.equal(['pending']);
      expect(await status(events[0]!)).to.equal('processed');
    });

    it('ends a request with its routed events processed and the others collected', async () => {
      const { events } = await track(['view', 'note']);
      expect([await status(events[0]!), await status(events[1]!)]).to.deep.equal(['processed', 'collected']);
    });

    it('runs the flows of an abandoned pending event once, after a restart, and leaves recent ones alone', async () => {
      const first = await track(['view']);
      expect(await views(first.profile.id)).to.equal(1);
      // Two events whose flows did not run: one stored an hour ago, one just now (its request may still be running).
      const { events } = await track(['note', 'note'], first.profile.id);
      await leavePending(events[0]!, 'view', 3_600_000);
      await leavePending(events[1]!, 'view', 0);

      await server.restart();
      expect(await settled(events[0]!)).to.equal('processed');
      expect(await views(first.profile.id)).to.equal(2);
      expect(await status(events[1]!)).to.equal('pending');

      await server.restart();
      expect(await settled(events[0]!)).to.equal('processed');
      expect(await views(first.profile.id)).to.equal(2);
    });

    it('marks an abandoned pending event collected when no rule selects it anymore', async () => {
      const { events } = await track(['note']);
      await leavePending(events[0]!, 'retired', 3_600_000);
      await server.restart();
      expect(await settled(events[0]!)).to.equal('collected');
    });

    if (dialect.name === 'mysql') {
      it('leaves the pending events to the server that holds the lock', async () => {
        const first = await track(['view']);
        const { events } = await track(['note'], first.profile.id);
        await leavePending(events[0]!, 'view', 3_600_000);
        const other = await createConnection(server.databaseUrl);
        try {
          await other.query(`select get_lock('cairn.pending-events', 0)`);
          await server.restart();
          await new Promise((resolve) => setTimeout(resolve, 1000));
          expect(await status(events[0]!)).to.equal('pending');
          expect(await views(first.profile.id)).to.equal(1);
        } finally {
          await other.query(`select release_lock('cairn.pending-events')`);
          await other.end();
        }
        await server.restart();
        expect(await settled(events[0]!)).to.equal('processed');
        expect(await views(first.profile.id)).to.equal(2);
      });
    }
  });
}
