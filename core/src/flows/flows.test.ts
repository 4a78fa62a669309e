import { expect } from 'chai';
import { EventSchema } from '../storage/entities.js';
import { testDialects } from '../test-support/databases.js';
import { edge, kitNode, testKitEnv } from '../test-support/plugins.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

/** start → gate(min) → pass: bump → reply(thanks) ; fail: reply(sorry) */
function reviewFlow(thanks = 'thank you') {
  return {
    nodes: [
      kitNode('start', 'start'),
      kitNode('gate', 'gate', { min: 4 }),
      kitNode('bump', 'bump', { path: 'stats.counters.good_reviews', segment: 'happy' }),
      kitNode('thanks', 'reply', { key: 'message', value: thanks }),
      kitNode('sorry', 'reply', { key: 'message', value: 'we are sorry' }),
    ],
    edges: [
      edge('start', 'out', 'gate'),
      edge('gate', 'pass', 'bump'),
      edge('bump', 'out', 'thanks'),
      edge('gate', 'fail', 'sorry'),
    ],
  };
}

for (const dialect of testDialects()) {
  describe(`flows end to end on ${dialect.name}`, () => {
    let server: TestServer;
    let flowId: string;

    before(async () => {
      server = await startTestServer(dialect, await testKitEnv());
      await server.request('/api/sources', { admin: true, json: { id: 'shop', name: 'Shop', type: 'rest' } });
    });
    after(() => server.stop());

    async function api(path: string, init: { method?: string; json?: unknown } = {}) {
      const response = await server.request(path, { admin: true, ...init });
      return { status: response.status, body: (await response.json().catch(() => null)) as any };
    }

    async function review(rating: number, profile?: { id: string }) {
      const response = await server.request('/track', {
        json: {
          source: { id: 'shop' },
          ...(profile ? { profile } : {}),
          events: [{ type: 'review-submitted', properties: { rating } }],
        },
      });
      expect(response.status).to.equal(200);
      return (await response.json()) as any;
    }

    it('lists the installed plugins with their node manifests', async () => {
      const { body } = await api('/api/plugins');
      const kit = body.items.find((p: { name: string }) => p.name === '@cairn/plugin-test-kit');
      expect(kit.version).to.equal('1.0.0');
      const gate = kit.nodes.find((n: { id: string }) => n.id === 'gate');
      expect(gate.outputs).to.deep.equal(['pass', 'fail']);
      expect(gate.config.properties.min.type).to.equal('number');
    });

    it('saves a draft with errors, reports them per node, and refuses to deploy it', async () => {
      const draft = reviewFlow();
      draft.nodes[1]!.data.config = { min: 'four' };
      draft.edges.push(edge('gate', 'maybe', 'sorry'));
      const created = await api('/api/flows', { json: { name: 'Broken', draft } });
      expect(created.status).to.equal(201);
      expect(created.body.validation.valid).to.equal(false);
      const errors = created.body.validation.errors as {
        code: string;
        nodeId?: string;
        edgeId?: string;
        path?: string;
      }[];
      expect(errors.find((e) => e.code === 'invalid_config')).to.include({ nodeId: 'gate' });
      expect(errors.find((e) => e.code === 'invalid_config')!.path).to.contain('config.min');
      expect(errors.find((e) => e.code === 'unknown_output_port')).to.include({
        edgeId: 'gate.maybe->sorry',
      });
      const deploy = await api(`/api/flows/${created.body.id}/deploy`, { method: 'POST' });
      expect(deploy.status).to.equal(422);
      expect(deploy.body.error.code).to.equal('invalid_flow');
      const details = deploy.body.error.details as { code: string; nodeId?: string; edgeId?: string }[];
      expect(details.find((d) => d.code === 'invalid_config')).to.include({ nodeId: 'gate' });
      expect(details.find((d) => d.code === 'unknown_output_port')).to.include({
        edgeId: 'gate.maybe->sorry',
      });
    });

    it('refuses a draft that is not a flow graph, naming the field', async () => {
      const { status, body } = await api('/api/flows', {
        json: { name: 'x', draft: { nodes: [{ id: 'a' }], edges: [] } },
      });
      expect(status).to.equal(422);
      expect(body.error.path).to.match(/^draft\.nodes\[0\]/);
    });

    it('runs the deployed flow for matching events and commits its profile operations', async () => {
      const created = await api('/api/flows', { json: { name: 'Reviews', draft: reviewFlow() } });
      flowId = created.body.id;
      expect(created.body.validation).to.deep.equal({ valid: true, errors: [] });
      const deployed = await api(`/api/flows/${flowId}/deploy`, { method: 'POST' });
      expect(deployed.status).to.equal(201);
      expect(deployed.body).to.include({ version: 1, deployed: true });
      const rule = await api('/api/rules', {
        json: { name: 'reviews', eventType: 'Review Submitted', flowId },
      });
      expect(rule.status).to.equal(201);
      expect(rule.body.eventType).to.equal('review-submitted');

      const happy = await review(5);
      expect(happy.response).to.deep.equal({ message: 'thank you' });
      expect(happy.ux).to.deep.equal([{ type: 'toast', text: 'thank you' }]);
      expect(happy.errors).to.deep.equal([]);
      const profile = (await api(`/api/profiles/${happy.profile.id}`)).body;
      expect(profile.stats.counters).to.deep.equal({ good_reviews: 1 });
      expect(profile.segments).to.deep.equal(['happy']);
      const event = await server.db.em().findOneOrFail(EventSchema, { id: happy.events[0] });
      expect(event.status).to.equal('processed');

      const unhappy = await review(1, happy.profile);
      expect(unhappy.response).to.deep.equal({ message: 'we are sorry' });
      expect((await api(`/api/profiles/${happy.profile.id}`)).body.stats.counters).to.deep.equal({
        good_reviews: 1,
      });
    });

    it('leaves events no rule matches as collected, with an empty response', async () => {
      const response = await server.request('/track', {
        json: { source: { id: 'shop' }, events: [{ type: 'page-view' }] },
      });
      const body = (await response.json()) as any;
      expect(body.response).to.deep.equal({});
      const event = await server.db.em().findOneOrFail(EventSchema, { id: body.events[0] });
      expect(event.status).to.equal('collected');
    });

    it('keeps deployed versions immutable, lists them and rolls back', async () => {
      await api(`/api/flows/${flowId}`, {
        method: 'PUT',
        json: { name: 'Reviews', draft: reviewFlow('thanks, v2') },
      });
      expect((await review(5)).response.message, 'the edited draft does not run until deployed').to.equal(
        'thank you',
      );
      await api(`/api/flows/${flowId}/deploy`, { method: 'POST' });
      expect((await review(5)).response.message).to.equal('thanks, v2');

      const versions = await api(`/api/flows/${flowId}/versions`);
      expect(
        versions.body.items.map((v: { version: number; deployed: boolean }) => [v.version, v.deployed]),
      ).to.deep.equal([
        [2, true],
        [1, false],
      ]);
      const rolledBack = await api(`/api/flows/${flowId}/rollback`, { method: 'POST', json: { version: 1 } });
      expect(rolledBack.body).to.include({ version: 1, deployed: true });
      expect((await review(5)).response.message).to.equal('thank you');
      const missing = await api(`/api/flows/${flowId}/rollback`, { method: 'POST', json: { version: 9 } });
      expect(missing.status).to.equal(422);
      expect(missing.body.error.path).to.equal('version');
    });

    it('debugs the draft against a sample event: a per-node trace, nothing committed', async () => {
      const { status, body } = await api(`/api/flows/${flowId}/debug`, {
        method: 'POST',
        json: {
          event: { type: 'review-submitted', properties: { rating: 5 } },
          profile: { traits: { name: 'Ann' } },
        },
      });
      expect(status).to.equal(200);
      const trace = body.flows[0].trace as {
        nodeId: string;
        skipped?: boolean;
        operations: unknown[];
        logs: unknown[];
      }[];
      expect(trace.filter((t) => !t.skipped).map((t) => t.nodeId)).to.deep.equal([
        'start',
        'gate',
        'bump',
        'thanks',
      ]);
      expect(trace.find((t) => t.nodeId === 'sorry')!.skipped).to.equal(true);
      expect(trace.find((t) => t.nodeId === 'bump')!.operations).to.deep.equal([
        { op: 'increment', path: 'stats.counters.good_reviews', by: 1 },
        { op: 'segment.add', segment: 'happy' },
      ]);
      expect(trace.find((t) => t.nodeId === 'thanks')!.logs).to.have.length(1);
      expect(body.response).to.deep.equal({ message: 'thanks, v2' });
      const events = await api('/api/events?type=review-submitted&limit=1000');
      expect(events.body.items.every((e: { id: string }) => e.id !== 'debug-event')).to.equal(true);
    });

    it('loses no update when 40 concurrent events for one profile run the flow', async () => {
      const first = await review(5);
      const results = await Promise.all(Array.from({ length: 40 }, () => review(5, first.profile)));
      expect(results.every((r) => r.errors.length === 0)).to.equal(true);
      const profile = (await api(`/api/profiles/${first.profile.id}`)).body;
      expect(profile.stats.counters.good_reviews).to.equal(41);
    });

    it('refuses to delete a flow a rule still uses', async () => {
      const { status, body } = await api(`/api/flows/${flowId}`, { method: 'DELETE' });
      expect(status).to.equal(409);
      expect(body.error.code).to.equal('flow_in_use');
    });
  });
}
