import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`no lost updates on ${dialect.name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(dialect);
      await server.request('/api/sources', {
        admin: true,
        json: { id: 'web', name: 'Website', type: 'rest' },
      });
    });
    after(() => server.stop());

    it('counts exactly 200 views from 200 concurrent /track calls for one profile', async () => {
      const first = await server.request('/track', {
        json: { source: { id: 'web' }, session: { id: 'shared-visit' }, events: [{ type: 'signup' }] },
      });
      const { profile } = (await first.json()) as { profile: { id: string } };

      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          server.request('/track', {
            json: {
              source: { id: 'web' },
              profile,
              // Half reuse the known session, half each open a new one, so session creation races too.
              session: { id: i % 2 === 0 ? 'shared-visit' : `visit-${i}` },
              events: [{ type: 'page-view', properties: { n: i } }],
            },
          }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(
        statuses.filter((s) => s !== 200),
        'every call is accepted',
      ).to.deep.equal([]);
      const bodies = (await Promise.all(responses.map((r) => r.json()))) as { profile: { id: string } }[];
      expect(new Set(bodies.map((b) => b.profile.id))).to.deep.equal(new Set([profile.id]));

      const stored = (await (
        await server.request(`/api/profiles/${profile.id}`, { admin: true })
      ).json()) as {
        stats: { views: number; visits: number };
      };
      expect(stored.stats.views).to.equal(200);
      expect(stored.stats.visits).to.equal(101);
      const events = (await (
        await server.request(`/api/events?profile=${profile.id}&type=page-view&limit=1000`, { admin: true })
      ).json()) as { items: unknown[] };
      expect(events.items).to.have.length(200);
    });

    it('creates one session when many calls open the same new session at once', async () => {
      const first = await server.request('/track', {
        json: { source: { id: 'web' }, events: [{ type: 'signup' }] },
      });
      const { profile } = (await first.json()) as { profile: { id: string } };
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          server.request('/track', {
            json: {
              source: { id: 'web' },
              profile,
              session: { id: 'racing-visit' },
              events: [{ type: 'page-view' }],
            },
          }),
        ),
      );
      expect(responses.every((r) => r.status === 200)).to.equal(true);
      const stored = (await (
        await server.request(`/api/profiles/${profile.id}`, { admin: true })
      ).json()) as {
        stats: { views: number; visits: number };
      };
      expect(stored.stats).to.include({ views: 20, visits: 2 });
    });
  });
}
