/// <reference types="mocha" />
import type { JsonObject } from '@cairn/sdk';
import { expect } from 'chai';
import { edge, emit, event, executor, flow, node, profile, result, steppingClock } from './fixtures.js';
import type { Flow } from './model.js';
import { type FlowRunResult, runFlow } from './run.js';

type Table = Parameters<typeof executor>[0];

async function run(value: Flow, table: Table = {}, input: Partial<Parameters<typeof runFlow>[1]> = {}) {
  const recording = executor(table);
  const outcome = await runFlow(value, { event, profile, session: { id: 's-1' }, ...input }, recording, {
    clock: steppingClock(),
  });
  return { outcome, calls: recording.calls };
}

function ran(outcome: FlowRunResult): string[] {
  return outcome.trace.filter((entry) => !entry.skipped).map((entry) => entry.nodeId);
}

function skipped(outcome: FlowRunResult): string[] {
  return outcome.trace.filter((entry) => entry.skipped).map((entry) => entry.nodeId);
}

/** start → check; check.true → happy → thank; check.false → sad */
const reviewFlow = flow(
  [
    node('start', 'start'),
    node('check', 'if'),
    node('happy', 'pass'),
    node('thank', 'pass'),
    node('sad', 'pass'),
  ],
  [
    edge('start', 'out', 'check'),
    edge('check', 'true', 'happy'),
    edge('happy', 'out', 'thank'),
    edge('check', 'false', 'sad'),
  ],
);

const byStars: Table = {
  check: ({ event: given, payload }) => {
    const stars = (given.properties as JsonObject).stars as number;
    return emit(stars >= 4 ? 'true' : 'false', payload);
  },
};

describe('flow execution', () => {
  describe('branching', () => {
    it('runs the start node once with the event as payload', async () => {
      const { calls } = await run(reviewFlow, byStars);
      expect(calls[0]!.nodeId).to.equal('start');
      expect(calls[0]!.input.payload).to.deep.equal(event);
      expect(calls.filter((call) => call.nodeId === 'start')).to.have.length(1);
    });

    it('follows only the port the node emitted on', async () => {
      const low = await run(reviewFlow, byStars);
      expect(ran(low.outcome)).to.deep.equal(['start', 'check', 'sad']);
      const high = await run(reviewFlow, byStars, { event: { ...event, properties: { stars: 5 } } });
      expect(ran(high.outcome)).to.deep.equal(['start', 'check', 'happy', 'thank']);
    });

    it('skips nodes behind a dead edge, and the nodes behind those', async () => {
      const { outcome } = await run(reviewFlow, byStars);
      expect(skipped(outcome)).to.deep.equal(['happy', 'thank']);
      const thank = outcome.trace.find((entry) => entry.nodeId === 'thank')!;
      expect(thank).to.include({ skipped: true, payload: null, durationMs: 0 });
      expect(outcome.status).to.equal('ok');
    });

    it('drops an emission on a port without edges', async () => {
      const { outcome } = await run(reviewFlow, { check: () => emit('nowhere', 1) });
      expect(ran(outcome)).to.deep.equal(['start', 'check']);
      expect(outcome.status).to.equal('ok');
    });
  });

  describe('several emissions', () => {
    /** start → split → each; split.out also → audit */
    const fanFlow = flow(
      [node('start', 'start'), node('split', 'pass'), node('each', 'pass'), node('audit', 'pass')],
      [edge('start', 'out', 'split'), edge('split', 'out', 'each'), edge('split', 'out', 'audit')],
    );

    it('runs the next node once per payload, in emission order, along every edge of the port', async () => {
      const { outcome } = await run(fanFlow, { split: () => emit('out', 'a', 'b', 'c') });
      const inputs = (id: string) =>
        outcome.trace.filter((entry) => entry.nodeId === id).map((entry) => entry.payload);
      expect(inputs('each')).to.deep.equal(['a', 'b', 'c']);
      expect(inputs('audit')).to.deep.equal(['a', 'b', 'c']);
      expect(ran(outcome)).to.deep.equal([
        'start',
        'split',
        'audit',
        'audit',
        'audit',
        'each',
        'each',
        'each',
      ]);
    });
  });

  describe('joins', () => {
    /** start → fork; fork.true → left → merge.left; fork.false → right → merge.right */
    const joinFlow = flow(
      [
        node('start', 'start'),
        node('fork', 'if'),
        node('left', 'pass'),
        node('right', 'pass'),
        node('merge', 'merge'),
      ],
      [
        edge('start', 'out', 'fork'),
        edge('fork', 'true', 'left'),
        edge('fork', 'false', 'right'),
        edge('left', 'out', 'merge', 'left'),
        edge('right', 'out', 'merge', 'right'),
      ],
    );

    it('waits for every live input and runs once with all payloads', async () => {
      const { outcome, calls } = await run(joinFlow, {
        fork: () =>
          result({
            emissions: [
              { port: 'true', payload: 'L' },
              { port: 'false', payload: 'R' },
            ],
          }),
      });
      expect(calls.map((call) => call.nodeId)).to.deep.equal(['start', 'fork', 'left', 'right', 'merge']);
      expect(calls[4]!.input.payload).to.deep.equal([
        { from: 'left', port: 'out', input: 'left', payload: 'L' },
        { from: 'right', port: 'out', input: 'right', payload: 'R' },
      ]);
      expect(outcome.trace.at(-1)).to.include({ nodeId: 'merge', node: 'merge' });
    });

    it('runs once with the single payload when only one input is live', async () => {
      const { calls } = await run(joinFlow, { fork: () => emit('false', 'R') });
      const merges = calls.filter((call) => call.nodeId === 'merge');
      expect(merges).to.have.length(1);
      expect(merges[0]!.input.payload).to.deep.equal([
        { from: 'right', port: 'out', input: 'right', payload: 'R' },
      ]);
    });

    it('collects every payload that arrives on its inputs, in arrival order', async () => {
      const { calls } = await run(joinFlow, {
        fork: () => emit('true', 1, 2),
        left: ({ payload }) => emit('out', `L${payload}`),
      });
      const merges = calls.filter((call) => call.nodeId === 'merge');
      expect(merges).to.have.length(1);
      expect((merges[0]!.input.payload as JsonObject[]).map((item) => item.payload)).to.deep.equal([
        'L1',
        'L2',
      ]);
    });

    it('is skipped when all its inputs are dead', async () => {
      const { outcome } = await run(joinFlow, { fork: () => result() });
      expect(skipped(outcome)).to.deep.equal(['left', 'right', 'merge']);
    });

    it('runs after its inputs even when its id sorts first', async () => {
      const renamed = flow(
        [node('start', 'start'), node('z1', 'pass'), node('z2', 'pass'), node('a-merge', 'merge')],
        [
          edge('start', 'out', 'z1'),
          edge('start', 'out', 'z2'),
          edge('z1', 'out', 'a-merge', 'left'),
          edge('z2', 'out', 'a-merge', 'right'),
        ],
      );
      const { outcome } = await run(renamed);
      expect(ran(outcome)).to.deep.equal(['start', 'z1', 'z2', 'a-merge']);
    });
  });

  describe('profile', () => {
    const chain = flow(
      [node('start', 'start'), node('plan', 'pass'), node('count', 'pass'), node('read', 'pass')],
      [edge('start', 'out', 'plan'), edge('plan', 'out', 'count'), edge('count', 'out', 'read')],
    );

    it('shows each node the profile as changed by the nodes before it', async () => {
      const { outcome, calls } = await run(chain, {
        plan: () =>
          result({
            emissions: [
              { port: 'out', payload: 1 },
              { port: 'out', payload: 2 },
            ],
            operations: [{ op: 'set', path: 'traits.plan', value: 'pro' }],
          }),
        count: ({ payload, profile: seen }) =>
          result({
            emissions: [
              {
                port: 'out',
                payload: ((seen!.stats as JsonObject).counters as JsonObject | undefined) ?? null,
              },
            ],
            operations: [{ op: 'increment', path: 'stats.counters.reviews', by: payload as number }],
          }),
      });
      expect(calls.find((call) => call.nodeId === 'count')!.input.profile!.traits).to.deep.equal({
        name: 'Ada',
        plan: 'pro',
      });
      const reads = calls.filter((call) => call.nodeId === 'read').map((call) => call.input.payload);
      expect(reads).to.deep.equal([null, { reviews: 1 }]);
      expect(outcome.profile).to.deep.equal({
        id: 'p-1',
        traits: { name: 'Ada', plan: 'pro' },
        stats: { visits: 3, counters: { reviews: 3 } },
      });
      expect(outcome.operations).to.deep.equal([
        { op: 'set', path: 'traits.plan', value: 'pro' },
        { op: 'increment', path: 'stats.counters.reviews', by: 1 },
        { op: 'increment', path: 'stats.counters.reviews', by: 2 },
      ]);
      expect(profile).to.deep.equal({ id: 'p-1', traits: { name: 'Ada' }, stats: { visits: 3 } });
    });

    it('gives every node copies, so a node mutating its input changes nothing', async () => {
      const { calls } = await run(chain, {
        plan: (input) => {
          (input.profile!.traits as JsonObject).name = 'Eve';
          (input.event as JsonObject).type = 'tampered';
          return emit('out', input.payload);
        },
      });
      const later = calls.find((call) => call.nodeId === 'count')!.input;
      expect((later.profile!.traits as JsonObject).name).to.equal('Ada');
      expect(later.event.type).to.equal('review-submitted');
    });
  });

  describe('node input and result', () => {
    it('hands each node its config, the session and flow values naming the node and input port', async () => {
      const value = flow(
        [node('start', 'start'), node('score', 'score', { threshold: 0.4 })],
        [edge('start', 'out', 'score')],
      );
      const { calls } = await run(value, {}, { flow: { id: 'f-1', name: 'Reviews', version: 3 } });
      expect(calls[1]!.input).to.deep.include({
        config: { threshold: 0.4 },
        session: { id: 's-1' },
        flow: { id: 'f-1', name: 'Reviews', version: 3, node: { id: 'score', input: 'in' } },
      });
      expect(calls[0]!.input.flow).to.deep.equal({
        id: 'f-1',
        name: 'Reviews',
        version: 3,
        node: { id: 'start', input: null },
      });
    });

    it('concatenates ux widgets and deep-merges response values in run order', async () => {
      const { outcome } = await run(reviewFlow, {
        start: () =>
          result({
            emissions: [{ port: 'out', payload: 1 }],
            ux: [{ widget: 'a' }],
            response: { offer: { code: 'X', pct: 5 }, n: 1 },
          }),
        check: () =>
          result({
            emissions: [{ port: 'false', payload: 1 }],
            ux: [{ widget: 'b' }],
            response: { offer: { pct: 10 }, tags: ['t'] },
          }),
        sad: () => result({ response: { tags: ['u'] } }),
      });
      expect(outcome.ux).to.deep.equal([{ widget: 'a' }, { widget: 'b' }]);
      expect(outcome.response).to.deep.equal({ offer: { code: 'X', pct: 10 }, n: 1, tags: ['u'] });
    });

    it('traces every call with its payload, emissions, operations, logs and duration from the clock', async () => {
      const log = { level: 'info' as const, message: 'negative', time: '2026-01-01T00:00:00.000Z' };
      const { outcome } = await run(reviewFlow, {
        check: () =>
          result({
            emissions: [{ port: 'false', payload: 'p' }],
            logs: [log],
            operations: [{ op: 'segment.add', segment: 'unhappy' }],
          }),
      });
      expect(outcome.trace[1]).to.deep.equal({
        nodeId: 'check',
        plugin: '@cairn/plugin-test',
        version: '1.0.0',
        node: 'if',
        payload: event,
        emissions: [{ port: 'false', payload: 'p' }],
        operations: [{ op: 'segment.add', segment: 'unhappy' }],
        logs: [log],
        durationMs: 5,
      });
    });
  });

  describe('order', () => {
    /** start fans out to four branches whose ids do not sort the way they are listed. */
    const wide = flow(
      [
        node('start', 'start'),
        node('d', 'pass'),
        node('b', 'pass'),
        node('c', 'pass'),
        node('a', 'pass'),
        node('e', 'merge'),
      ],
      [
        edge('start', 'out', 'd'),
        edge('start', 'out', 'b'),
        edge('start', 'out', 'c'),
        edge('start', 'out', 'a'),
        edge('a', 'out', 'e', 'left'),
        edge('d', 'out', 'e', 'right'),
        edge('c', 'out', 'e', 'left'),
      ],
    );

    it('runs ready nodes by id and gives the same trace every time', async () => {
      const first = await run(wide);
      const second = await run(wide);
      expect(ran(first.outcome)).to.deep.equal(['start', 'a', 'b', 'c', 'd', 'e']);
      expect(second.outcome).to.deep.equal(first.outcome);
    });

    it('does not depend on the order of nodes and edges in the flow JSON', async () => {
      const shuffled = flow([...wide.nodes].reverse(), [...wide.edges].reverse());
      const original = await run(wide);
      const reordered = await run(shuffled);
      expect(reordered.outcome).to.deep.equal(original.outcome);
    });
  });
});
