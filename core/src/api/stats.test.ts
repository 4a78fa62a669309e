import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`event statistics on ${dialect.name}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
      for (const id of ['web', 'app']) {
        await server.request('/api/sources', { admin: true, json: { id, name: id, type: 'rest' } });
      }
    });
    after(() => server.stop());

    const at = (iso: string, type: string, source = 'web') =>
      server.request('/track', { json: { source: { id: source }, events: [{ type, time: iso }] } });
    const stats = async (query: string) => {
      const response = await server.request(`/api/stats/events?${query}`, { admin: true });
      return { status: response.status, body: (await response.json()) as any };
    };

    it('counts events per minute, by type, by source and by status over a window', async () => {
      expect((await at('2026-11-30T10:00:05Z', 'page-view')).status).to.equal(200);
      await at('2026-11-30T10:00:59Z', 'page-view');
      await at('2026-11-30T10:02:00Z', 'purchase', 'app');
      await at('2026-11-30T10:05:00Z', 'page-view');
      const { status, body } = await stats('from=2026-11-30T10:00:00Z&to=2026-11-30T10:05:00Z&bucket=minute');
      expect(status).to.equal(200);
      expect(body.series.map((b: any) => [b.t.slice(11, 16), b.total])).to.deep.equal([
        ['10:00', 2],
        ['10:01', 0],
        ['10:02', 1],
        ['10:03', 0],
        ['10:04', 0],
      ]);
      expect(body.byType).to.deep.equal([
        { type: 'page-view', count: 2 },
        { type: 'purchase', count: 1 },
      ]);
      expect(body.bySource).to.deep.equal([
        { source: 'web', count: 2 },
        { source: 'app', count: 1 },
      ]);
      expect(body.byStatus).to.deep.equal({ collected: 3 });
      const hourly = await stats('from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z&bucket=hour');
      expect(hourly.body.series).to.have.length(24);
      expect(hourly.body.series[10].total).to.equal(4);
    });

    it('rejects a window that is backwards or holds too many buckets, naming the field', async () => {
      const backwards = await stats('from=2026-11-30T11:00:00Z&to=2026-11-30T10:00:00Z');
      expect(backwards.status).to.equal(422);
      expect(backwards.body.error.path).to.equal('from');
      const huge = await stats('from=2026-01-01T00:00:00Z&to=2026-11-30T00:00:00Z&bucket=minute');
      expect(huge.body.error.path).to.equal('bucket');
      expect((await stats('bucket=week')).body.error.path).to.equal('bucket');
    });
  });
}
