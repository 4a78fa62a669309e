import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { kitNode, testKitEnv } from '../test-support/plugins.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

interface Entry {
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  before: Record<string, any> | null;
  after: Record<string, any> | null;
}

for (const dialect of testDialects()) {
  describe(`audit log on ${dialect.name}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect, await testKitEnv());
    });
    after(() => server.stop());

    const entries = async (query = '') => {
      const res = await server.request(`/api/audit${query}`, { admin: true });
      expect(res.status).to.equal(200);
      return ((await res.json()) as { items: Entry[] }).items;
    };

    it('records who created, changed and deleted a source, with before and after', async () => {
      const create = await server.request('/api/sources', {
        admin: true,
        json: { id: 'shop', name: 'Shop', type: 'rest' },
      });
      expect(create.status).to.equal(201);
      const update = await server.request('/api/sources/shop', {
        admin: true,
        method: 'PUT',
        json: { name: 'Shop (EU)', type: 'rest' },
      });
      expect(update.status).to.equal(200);
      expect((await server.request('/api/sources/shop', { admin: true, method: 'DELETE' })).status).to.equal(
        204,
      );

      const log = await entries('?objectType=source&objectId=shop');
      expect(log.map((e) => e.action)).to.deep.equal(['delete', 'update', 'create']);
      expect(log.every((e) => e.actor === 'admin-token')).to.equal(true);
      const [deleted, updated, created] = log as [Entry, Entry, Entry];
      expect(created.before).to.equal(null);
      expect(created.after?.name).to.equal('Shop');
      expect(updated.before?.name).to.equal('Shop');
      expect(updated.after?.name).to.equal('Shop (EU)');
      expect(deleted.before?.name).to.equal('Shop (EU)');
      expect(deleted.after).to.equal(null);
    });

    it('records a deploy and never stores a secret', async () => {
      const resource = await server.request('/api/resources', {
        admin: true,
        json: {
          type: 'http-auth',
          name: 'CRM',
          production: { config: { scheme: 'bearer' }, secrets: { value: 'very-secret-token-value' } },
        },
      });
      expect(resource.status).to.equal(201);
      const { id } = (await resource.json()) as { id: string };
      const log = await entries(`?objectType=resource&objectId=${id}`);
      expect(log).to.have.length(1);
      expect(JSON.stringify(log)).not.to.contain('very-secret-token-value');

      const flow = await server.request('/api/flows', {
        admin: true,
        json: { name: 'Greeter', draft: { nodes: [kitNode('start', 'start')], edges: [] } },
      });
      expect(flow.status).to.equal(201);
      const flowBody = (await flow.json()) as { id: string };
      const deploy = await server.request(`/api/flows/${flowBody.id}/deploy`, {
        admin: true,
        method: 'POST',
      });
      expect(deploy.status).to.equal(201);
      const flowLog = await entries(`?objectType=flow&objectId=${flowBody.id}`);
      expect(flowLog.map((e) => e.action)).to.deep.equal(['deploy', 'create']);
      expect(flowLog[0]!.after?.version).to.equal(1);
    });

    it('rejects a bad query with the field named, and requires authentication', async () => {
      const bad = await server.request('/api/audit?limit=0', { admin: true });
      expect(bad.status).to.equal(422);
      expect(((await bad.json()) as any).error.path).to.equal('limit');
      expect((await server.request('/api/audit')).status).to.equal(401);
    });
  });
}
