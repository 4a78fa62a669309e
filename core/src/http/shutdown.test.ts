import { expect } from 'chai';
import { EventSchema } from '../storage/entities.js';
import { openDatabase } from '../storage/orm.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`shutdown on ${dialect.name}`, () => {
    it('finishes the requests in flight before closing the database: every acknowledged event is stored', async () => {
      const server = await startTestServer(dialect);
      try {
        await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
        const sent = Array.from({ length: 60 }, (_, i) =>
          server
            .request('/track', {
              json: { source: { id: 'web' }, events: [{ id: `evt-${i}`, type: 'page-view' }] },
            })
            .then(
              (r) => ({ id: `evt-${i}`, status: r.status }),
              () => ({ id: `evt-${i}`, status: 'refused' as const }),
            ),
        );
        // Close as soon as the first answer arrives, while the others are being handled.
        await Promise.race(sent);
        await server.close();
        const outcomes = await Promise.all(sent);
        // A request either never got in (the listener was closed) or was answered in full: none fails half-way.
        expect(outcomes.filter((o) => o.status !== 200 && o.status !== 'refused')).to.deep.equal([]);
        const acknowledged = outcomes.filter((o) => o.status === 200).map((o) => o.id);
        expect(acknowledged.length, 'some requests were accepted before the close').to.be.greaterThan(0);

        const db = await openDatabase(server.databaseUrl);
        try {
          const stored = await db.em().find(EventSchema, { id: { $in: acknowledged } });
          expect(stored.map((e) => e.id).sort()).to.deep.equal([...acknowledged].sort());
        } finally {
          await db.close();
        }
      } finally {
        await server.dropDatabase();
      }
    });
  });
}
