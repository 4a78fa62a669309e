/// <reference types="mocha" />
import type { JsonObject } from '@cairn/sdk';
import { expect } from 'chai';
import { edge, emit, event, executor, flow, node, profile, result, steppingClock } from './fixtures.js';
import type { Flow } from './model.js';
import { PreparedFlow, PreparedFlowCache, prepareFlow } from './prepared.js';
import { type RunFlowInput, runFlow } from './run.js';

type Table = Parameters<typeof executor>[0];

const input: RunFlowInput = { event, profile, session: { id: 's-1' }, flow: { id: 'f-1', version: 1 } };

/** Runs a flow (raw or prepared) with a fresh executor and clock; the result and the calls made. */
async function run(value: unknown, table: Table = {}, given: RunFlowInput = input, maxNodeRuns?: number) {
  const recording = executor(table);
  const outcome = await runFlow(value, given, recording, {
    clock: steppingClock(),
    ...(maxNodeRuns === undefined ? {} : { maxNodeRuns }),
  });
  return { outcome, calls: recording.calls };
}

/** start → check; check.true → happy (+1 visit) → risky; check.false → sad; risky.error → sad */
const reviewFlow = flow(
  [
    node('start', 'start'),
    node('check', 'if'),
    node('happy', 'pass', { note: 'thanks' }),
    node('risky', 'risky'),
    node('sad', 'pass'),
  ],
  [
    edge('start', 'out', 'check'),
    edge('check', 'true', 'happy'),
    edge('happy', 'out', 'risky'),
    edge('check', 'false', 'sad'),
    edge('risky', 'error', 'sad'),
  ],
);

const reviewTable: Table = {
  check: ({ event: given, payload }) => {
    const stars = (given.properties as JsonObject).stars as number;
    return emit(stars >= 4 ? 'true' : 'false', payload);
  },
  happy: ({ payload }) =>
    result({
      emissions: [{ port: 'out', payload }],
      operations: [{ op: 'increment', path: 'stats.visits', by: 1 }],
      response: { thanks: true },
      logs: [{ level: 'info', message: 'happy', time: '2026-01-01T00:00:00.000Z' }],
    }),
  risky: () => {
    throw new Error('upstream down');
  },
};

const withStars = (stars: number): RunFlowInput => ({
  ...input,
  event: { ...event, properties: { stars } },
});

/** Flows `runFlow` refuses, and why. */
const malformed: Record<string, unknown> = {
  'the wrong shape': { nodes: 'none' },
  'no graph at all': undefined,
  'a cycle': flow(
    [node('start', 'start'), node('a', 'pass'), node('b', 'pass')],
    [edge('start', 'out', 'a'), edge('a', 'out', 'b'), edge('b', 'out', 'a')],
  ),
  'two start nodes': flow([node('one', 'start'), node('two', 'start')], []),
  'a dangling edge': flow([node('start', 'start')], [edge('start', 'out', 'gone')]),
};

describe('prepared flows', () => {
  describe('a flow prepared once', () => {
    for (const stars of [5, 2]) {
      it(`runs as the raw flow does, with the same trace and result (${stars} stars)`, async () => {
        const raw = await run(reviewFlow, reviewTable, withStars(stars));
        const prepared = await run(prepareFlow(reviewFlow), reviewTable, withStars(stars));
        expect(prepared.outcome).to.deep.equal(raw.outcome);
        expect(prepared.calls).to.deep.equal(raw.calls);
      });
    }

    it('keeps nothing from one run to the next', async () => {
      const prepared = prepareFlow(reviewFlow);
      for (const stars of [5, 2, 5, 4, 1]) {
        const raw = await run(reviewFlow, reviewTable, withStars(stars));
        expect((await run(prepared, reviewTable, withStars(stars))).outcome).to.deep.equal(raw.outcome);
      }
    });

    it('stops at the node-run limit as the raw flow does', async () => {
      const fan = flow(
        [node('start', 'start'), node('burst', 'pass'), node('end', 'pass')],
        [edge('start', 'out', 'burst'), edge('burst', 'out', 'end')],
      );
      const table: Table = { start: () => emit('out', 1, 2, 3), burst: () => emit('out', 1, 2, 3) };
      const raw = await run(fan, table, input, 5);
      expect(raw.outcome.error?.code).to.equal('run_limit_exceeded');
      expect((await run(prepareFlow(fan), table, input, 5)).outcome).to.deep.equal(raw.outcome);
    });

    for (const [what, value] of Object.entries(malformed)) {
      it(`is refused with the raw flow's invalid_flow result when it has ${what}`, async () => {
        const raw = await run(value);
        expect(raw.outcome.error?.code).to.equal('invalid_flow');
        const prepared = prepareFlow(value);
        expect(prepared.graph).to.equal(undefined);
        const again = await run(prepared);
        expect(again.outcome).to.deep.equal(raw.outcome);
        expect(again.calls).to.deep.equal([]);
      });
    }

    it('is told apart from a raw flow that looks like one', async () => {
      const prepared = prepareFlow(reviewFlow);
      const lookalike = { graph: prepared.graph, invalid: undefined };
      expect((await run(lookalike)).outcome.error?.code).to.equal('invalid_flow');
      expect(prepared).to.be.instanceOf(PreparedFlow);
    });
  });

  describe('the cache of deployed flow versions', () => {
    const answering = (value: string): Flow =>
      flow([node('start', 'start'), node('answer', 'pass', { value })], [edge('start', 'out', 'answer')]);
    const table: Table = {
      answer: ({ config }) => result({ response: { answer: config.value as string } }),
    };

    it('prepares a version once and serves it by flow id and version', async () => {
      const cache = new PreparedFlowCache();
      const first = cache.prepare({ id: 'f-1', version: 1, graph: answering('one') });
      // Each event's request carries its own copy of the graph; the version is what counts.
      const second = cache.prepare({ id: 'f-1', version: 1, graph: structuredClone(answering('one')) });
      expect(second).to.equal(first);
      expect(cache.size).to.equal(1);
      const raw = await run(answering('one'), table);
      expect((await run(second, table)).outcome).to.deep.equal(raw.outcome);
    });

    it('does not serve another version, or another flow, from the cache', async () => {
      const cache = new PreparedFlowCache();
      const v1 = cache.prepare({ id: 'f-1', version: 1, graph: answering('one') });
      const v2 = cache.prepare({ id: 'f-1', version: 2, graph: answering('two') });
      const other = cache.prepare({ id: 'f-2', version: 1, graph: answering('other') });
      expect(v2).to.not.equal(v1);
      expect(other).to.not.equal(v1);
      expect((await run(v1, table)).outcome.response).to.deep.equal({ answer: 'one' });
      expect((await run(v2, table)).outcome.response).to.deep.equal({ answer: 'two' });
      expect((await run(other, table)).outcome.response).to.deep.equal({ answer: 'other' });
      expect(cache.prepare({ id: 'f-1', version: 1, graph: answering('one') })).to.equal(v1);
      expect(cache.size).to.equal(3);
    });

    it('prepares a draft (version 0) on every run and keeps none', async () => {
      const cache = new PreparedFlowCache();
      const before = cache.prepare({ id: 'f-1', version: 0, graph: answering('draft') });
      const edited = cache.prepare({ id: 'f-1', version: 0, graph: answering('edited') });
      expect(cache.size).to.equal(0);
      expect((await run(before, table)).outcome.response).to.deep.equal({ answer: 'draft' });
      expect((await run(edited, table)).outcome.response).to.deep.equal({ answer: 'edited' });
    });

    it('keeps nothing for a run without a graph', async () => {
      const cache = new PreparedFlowCache();
      cache.prepare({ id: 'f-1', version: 1, graph: answering('one') });
      const missing = cache.prepare({ id: 'f-1', version: 1 });
      expect((await run(missing, table)).outcome).to.deep.equal((await run(undefined, table)).outcome);
      expect(cache.size).to.equal(1);
    });

    it('holds a bounded number of versions, dropping the one used least recently', () => {
      const cache = new PreparedFlowCache(2);
      const one = cache.prepare({ id: 'f-1', version: 1, graph: answering('one') });
      const two = cache.prepare({ id: 'f-2', version: 1, graph: answering('two') });
      expect(cache.prepare({ id: 'f-1', version: 1, graph: answering('one') })).to.equal(one);
      cache.prepare({ id: 'f-3', version: 1, graph: answering('three') });
      expect(cache.size).to.equal(2);
      expect(cache.prepare({ id: 'f-1', version: 1, graph: answering('one') })).to.equal(one);
      expect(cache.prepare({ id: 'f-2', version: 1, graph: answering('two') })).to.not.equal(two);
    });

    it('refuses a capacity that is not a positive integer', () => {
      expect(() => new PreparedFlowCache(0)).to.throw(RangeError);
      expect(() => new PreparedFlowCache(1.5)).to.throw(RangeError);
    });
  });
});
