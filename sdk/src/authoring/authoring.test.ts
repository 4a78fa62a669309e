import { expect } from 'chai';
import { buildFixture } from '../fixtures/build-fixture.js';
import { threshold } from '../fixtures/scoring-plugin.js';
import { defineNode, definePlugin } from '../index.js';
import { runNode } from '../testing/index.js';

describe('plugin authoring', () => {
  let dir: string;
  before(async () => {
    dir = (await buildFixture('scoring-plugin')).outDir;
  });

  describe('defineNode and definePlugin', () => {
    it('fills optional manifest fields with empty defaults', () => {
      const node = defineNode({
        id: 'plain',
        title: 'Plain',
        description: 'no config',
        category: 'test',
        inputs: [],
        outputs: ['out'],
        run: (ctx) => ctx.emit('out'),
      });
      expect(node.permissions).to.deep.equal({});
      expect(node.resources).to.deep.equal([]);
      expect(node.config).to.deep.include({ type: 'object', properties: {} });
      expect(node).not.to.have.property('icon');
    });

    it('keeps the TypeBox config schema and the declared ports', () => {
      expect(threshold.outputs).to.deep.equal(['above', 'below']);
      expect(threshold.config.properties.limit).to.deep.include({ type: 'number', default: 10 });
      const plugin = definePlugin({
        name: 'x',
        version: '1.0.0',
        title: 'X',
        description: '',
        cairn: '^0.1.0',
        nodes: [threshold],
      });
      expect(plugin.nodes[0]).to.equal(threshold);
    });
  });

  describe('ctx in the sandbox', () => {
    it('gives run the typed config and routes by emit', async () => {
      const above = await runNode({
        plugin: dir,
        node: 'threshold',
        profile: { id: 'p1', stats: { visits: 12 } },
        config: { counter: 'visits', limit: 10 },
      });
      expect(above.emissions).to.deep.equal([{ port: 'above', payload: { value: 12, limit: 10 } }]);
      const below = await runNode({
        plugin: dir,
        node: 'threshold',
        profile: { id: 'p1', stats: { visits: 3 } },
        config: { counter: 'visits', limit: 10 },
      });
      expect(below.emissions).to.deep.equal([{ port: 'below', payload: { value: 3, limit: 10 } }]);
    });

    it('collects profile, segment and consent operations in call order', async () => {
      const result = await runNode({
        plugin: dir,
        node: 'reward',
        payload: 'A-17',
        event: { id: 'e1', type: 'purchase', properties: { total: 20 } },
        config: { segment: 'buyers', points: 5 },
      });
      expect(result.operations).to.deep.equal([
        { op: 'set', path: 'traits.plan', value: 'none' },
        { op: 'increment', path: 'stats.counters.purchases', by: 1 },
        { op: 'increment', path: 'stats.points', by: 5 },
        { op: 'append', path: 'data.orders', value: { total: 20 } },
        { op: 'unset', path: 'traits.trial' },
        { op: 'segment.add', segment: 'buyers' },
        { op: 'segment.remove', segment: 'prospects' },
        { op: 'consent.grant', consent: 'marketing', revokeAt: '2030-01-01T00:00:00.000Z' },
        { op: 'consent.revoke', consent: 'profiling' },
      ]);
    });

    it('returns several emissions, ux widgets, response values and logs', async () => {
      const result = await runNode({
        plugin: dir,
        node: 'reward',
        payload: 'A-17',
        config: { segment: 'b', points: 2 },
      });
      expect(result.emissions).to.deep.equal([
        { port: 'done', payload: { order: 'A-17' } },
        { port: 'done', payload: null },
      ]);
      expect(result.ux).to.deep.equal([{ type: 'banner', text: 'Thanks for order A-17' }]);
      expect(result.response).to.deep.equal({ points: 2 });
      expect(result.logs.map(({ level, message }) => ({ level, message }))).to.deep.equal([
        { level: 'info', message: 'rewarded 2 points' },
        { level: 'warn', message: 'second line' },
      ]);
      expect(Date.parse(result.logs[0]?.time ?? '')).to.be.closeTo(Date.now(), 60_000);
    });

    it('hands an async run frozen copies of every input', async () => {
      const input = {
        event: { id: 'e9', type: 'view', properties: { url: '/' } },
        profile: { id: 'p9', traits: { name: 'Ann' } },
        session: { id: 's9' },
        payload: [1, 2],
        flow: { id: 'f9', name: 'Flow', version: 3, node: { id: 'n9' } },
      };
      const result = await runNode({ plugin: dir, node: 'inspect', ...input });
      expect(result.emissions).to.deep.equal([
        { port: 'out', payload: { ...input, frozen: true, mutation: 'TypeError' } },
      ]);
      expect(input.event.type).to.equal('view');
    });

    it('treats a run that returns nothing as a stopped branch', async () => {
      const result = await runNode({ plugin: dir, node: 'stop' });
      expect(result).to.deep.equal({ emissions: [], operations: [], ux: [], response: {}, logs: [] });
    });

    it('refuses emit on a port the node does not declare', async () => {
      const failure = await runNode({
        plugin: dir,
        node: 'threshold',
        profile: { stats: { visits: -5 } },
        config: { counter: 'visits', limit: 1 },
      }).catch((error: unknown) => error);
      expect(failure).to.include({ code: 'plugin-error' });
      expect((failure as Error).message).to.match(/'maybe' is not an output of node 'threshold'/);
    });
  });
});
