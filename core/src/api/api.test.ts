import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { expect } from 'chai';
import { type TestDialect, testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`admin API on ${dialect.name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.stop());

    it('refuses requests without the admin bearer token', async () => {
      for (const headers of [
        {},
        { authorization: 'Bearer wrong-token-wrong-token' },
        { authorization: 'Basic abc' },
      ]) {
        const response = await server.request('/api/sources', { headers });
        expect(response.status).to.equal(401);
        expect(response.headers.get('www-authenticate')).to.contain('Bearer');
        expect(((await response.json()) as any).error.code).to.equal('unauthorized');
      }
    });

    it('creates, reads, replaces, lists and deletes event sources', async () => {
      const created = await server.request('/api/sources', {
        admin: true,
        json: { name: 'Mobile app', type: 'rest', writeKey: 'wk_mobile_0123456789' },
      });
      expect(created.status).to.equal(201);
      const source = (await created.json()) as any;
      expect(source).to.include({
        name: 'Mobile app',
        type: 'rest',
        enabled: true,
        writeKey: 'wk_mobile_0123456789',
      });
      expect(source.id).to.be.a('string').and.not.empty;
      expect(source.allowedOrigins).to.deep.equal(['*']);

      const replaced = await server.request(`/api/sources/${source.id}`, {
        admin: true,
        method: 'PUT',
        json: { name: 'Mobile app v2', type: 'rest', enabled: false, allowedOrigins: [] },
      });
      expect(replaced.status).to.equal(200);
      expect(await replaced.json()).to.include({ name: 'Mobile app v2', enabled: false, writeKey: null });

      const read = (await (await server.request(`/api/sources/${source.id}`, { admin: true })).json()) as any;
      expect(read.name).to.equal('Mobile app v2');
      const list = (await (await server.request('/api/sources', { admin: true })).json()) as any;
      expect(list.items.map((s: { id: string }) => s.id)).to.include(source.id);

      const deleted = await server.request(`/api/sources/${source.id}`, { admin: true, method: 'DELETE' });
      expect(deleted.status).to.equal(204);
      expect((await server.request(`/api/sources/${source.id}`, { admin: true })).status).to.equal(404);
      expect(
        (await server.request(`/api/sources/${source.id}`, { admin: true, method: 'DELETE' })).status,
      ).to.equal(404);
    });

    it('validates sources with errors that name the field', async () => {
      const cases: [unknown, string][] = [
        [{ name: 'x', type: 'carrier-pigeon' }, 'type'],
        [{ type: 'rest' }, 'name'],
        [{ name: 'x', type: 'rest', allowedOrigins: ['not an origin'] }, 'allowedOrigins[0]'],
        [{ name: 'x', type: 'rest', writeKey: 'short' }, 'writeKey'],
        [{ name: 'x', type: 'rest', colour: 'red' }, 'colour'],
      ];
      for (const [json, path] of cases) {
        const response = await server.request('/api/sources', { admin: true, json });
        expect(response.status, path).to.equal(422);
        expect(((await response.json()) as any).error.path).to.equal(path);
      }
      await server.request('/api/sources', { admin: true, json: { id: 'taken', name: 'x', type: 'rest' } });
      const clash = await server.request('/api/sources', {
        admin: true,
        json: { id: 'taken', name: 'y', type: 'rest' },
      });
      expect(clash.status).to.equal(409);
    });

    it('filters events by profile and type, newest first, within the limit', async () => {
      await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
      const tracked = await server.request('/track', {
        json: {
          source: { id: 'web' },
          events: [
            { type: 'page-view', time: '2026-01-01T00:00:01Z' },
            { type: 'purchase', time: '2026-01-01T00:00:02Z' },
            { type: 'page-view', time: '2026-01-01T00:00:03Z' },
          ],
        },
      });
      const { profile } = (await tracked.json()) as any;
      const views = (await (
        await server.request(`/api/events?profile=${profile.id}&type=page-view`, { admin: true })
      ).json()) as any;
      expect(views.items.map((e: any) => e.metadata.time.create)).to.deep.equal([
        '2026-01-01T00:00:03.000Z',
        '2026-01-01T00:00:01.000Z',
      ]);
      const limited = (await (
        await server.request(`/api/events?profile=${profile.id}&limit=1`, { admin: true })
      ).json()) as any;
      expect(limited.items).to.have.length(1);
      expect(limited.items[0].type).to.equal('page-view');
      const bad = await server.request('/api/events?limit=0', { admin: true });
      expect(bad.status).to.equal(422);
      expect(((await bad.json()) as any).error.path).to.equal('limit');
    });

    it('reports health and readiness', async () => {
      expect(await (await server.request('/healthz')).json()).to.deep.equal({ status: 'ok' });
      expect(await (await server.request('/readyz')).json()).to.deep.equal({
        status: 'ready',
        database: dialect.name,
      });
    });
  });
}

for (const dialect of testDialects().filter((d) => d.name === 'mysql')) {
  describe('readiness', () => {
    it('answers 503 with a JSON error while the database is unreachable', async () => {
      // A loopback relay in front of MySQL, which the test can cut like a network outage.
      const database = await dialect.create();
      const target = new URL(database.url);
      const sockets = new Set<Socket>();
      const relay = createServer((client) => {
        const upstream = connect(Number(target.port || 3306), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const relayed = new URL(database.url);
      relayed.host = `127.0.0.1:${(relay.address() as AddressInfo).port}`;
      const viaRelay: TestDialect = {
        name: 'mysql',
        create: async () => ({ url: relayed.toString(), drop: async () => {} }),
      };
      const server = await startTestServer(viaRelay);
      try {
        expect((await server.request('/readyz')).status).to.equal(200);
        relay.close();
        for (const socket of sockets) socket.destroy();
        const response = await server.request('/readyz');
        expect(response.status).to.equal(503);
        expect(((await response.json()) as any).error.code).to.equal('not_ready');
        expect((await server.request('/healthz')).status, 'the process itself still serves').to.equal(200);
      } finally {
        await server.stop();
        await database.drop();
      }
    });
  });
}
