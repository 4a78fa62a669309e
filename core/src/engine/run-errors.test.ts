/// <reference types="mocha" />
import type { NodeRunResult } from '@cairn/sdk';
import { expect } from 'chai';
import { edge, emit, event, executor, flow, node, profile, result, steppingClock } from './fixtures.js';
import type { Flow } from './model.js';
import { DEFAULT_MAX_NODE_RUNS, runFlow } from './run.js';

type Table = Parameters<typeof executor>[0];

async function run(value: Flow, table: Table = {}, maxNodeRuns?: number, startProfile = profile) {
  const recording = executor(table);
  const input = { event, profile: startProfile, session: null };
  const options =
    maxNodeRuns === undefined ? { clock: steppingClock() } : { clock: steppingClock(), maxNodeRuns };
  const outcome = await runFlow(value, input, recording, options);
  return { outcome, calls: recording.calls };
}

/** start → call; call.out → notify; call.error → fallback (when `handled`); start → audit */
function callFlow(handled: boolean): Flow {
  const nodes = [
    node('start', 'start'),
    node('call', 'risky'),
    node('notify', 'pass'),
    node('audit', 'pass'),
  ];
  const edges = [edge('start', 'out', 'call'), edge('call', 'out', 'notify'), edge('start', 'out', 'audit')];
  if (handled) {
    nodes.push(node('fallback', 'pass'));
    edges.push(edge('call', 'error', 'fallback'));
  }
  return flow(nodes, edges);
}

const timeout = Object.assign(new Error('upstream did not answer within 5s'), { code: 'http_timeout' });

describe('flow execution errors', () => {
  describe('a node that throws', () => {
    it('sends the error to its connected error port and the flow succeeds', async () => {
      const { outcome, calls } = await run(callFlow(true), {
        call: () => {
          throw timeout;
        },
      });
      const fallback = calls.find((call) => call.nodeId === 'fallback')!;
      expect(fallback.input.payload).to.deep.equal({
        error: { message: 'upstream did not answer within 5s', code: 'http_timeout' },
      });
      expect(outcome.trace.find((entry) => entry.nodeId === 'notify')).to.include({ skipped: true });
      expect(outcome.trace.find((entry) => entry.nodeId === 'call')!.error).to.deep.equal({
        code: 'http_timeout',
        message: 'upstream did not answer within 5s',
        routed: true,
      });
      expect(outcome.status).to.equal('ok');
    });

    it('stops only its branch when no error port is connected, and the run reports an error', async () => {
      const { outcome } = await run(callFlow(false), {
        call: () => {
          throw new Error('boom');
        },
      });
      const call = outcome.trace.find((entry) => entry.nodeId === 'call')!;
      expect(call.error).to.deep.equal({ code: 'node_failed', message: 'boom', routed: false });
      expect(call.emissions).to.deep.equal([]);
      expect(outcome.trace.find((entry) => entry.nodeId === 'notify')).to.include({ skipped: true });
      expect(outcome.trace.find((entry) => entry.nodeId === 'audit')).to.not.have.property('skipped');
      expect(outcome.status).to.equal('error');
      expect(outcome.error).to.equal(undefined);
    });
  });

  it('routes a failure returned as a value the same way, keeping its logs', async () => {
    const log = { level: 'error' as const, message: 'out of memory', time: '2026-01-01T00:00:00.000Z' };
    const { outcome, calls } = await run(callFlow(true), {
      call: () => ({ error: { code: 'sandbox_memory', message: 'isolate exceeded 64 MB' }, logs: [log] }),
    });
    expect(calls.find((call) => call.nodeId === 'fallback')!.input.payload).to.deep.equal({
      error: { message: 'isolate exceeded 64 MB', code: 'sandbox_memory' },
    });
    expect(outcome.trace.find((entry) => entry.nodeId === 'call')!.logs).to.deep.equal([log]);
  });

  it('fails a node whose result does not match the node contract, naming the field', async () => {
    const { outcome } = await run(callFlow(false), {
      call: () =>
        ({
          emissions: [{ port: 'out' }],
          operations: [],
          ux: [],
          response: {},
          logs: [],
        }) as unknown as NodeRunResult,
    });
    expect(outcome.trace.find((entry) => entry.nodeId === 'call')!.error).to.deep.equal({
      code: 'invalid_result',
      message: 'node answered with an invalid result: result.emissions[0].payload is required',
      routed: false,
    });
  });

  describe('a node whose operations cannot be applied', () => {
    const failing: Table = {
      call: () =>
        result({
          emissions: [{ port: 'out', payload: 'never sent' }],
          operations: [
            { op: 'set', path: 'traits.plan', value: 'pro' },
            { op: 'increment', path: 'traits.name', by: 1 },
          ],
        }),
    };

    it('fails with the operation error and applies none of its operations', async () => {
      const { outcome, calls } = await run(callFlow(true), failing);
      expect(outcome.trace.find((entry) => entry.nodeId === 'call')!.error).to.deep.equal({
        code: 'not_a_number',
        message:
          'operations[1] (increment traits.name): cannot increment traits.name: it holds a string, not a number',
        routed: true,
      });
      expect(outcome.operations).to.deep.equal([]);
      expect(outcome.profile).to.deep.equal(profile);
      expect(calls.find((call) => call.nodeId === 'fallback')!.input.profile).to.deep.equal(profile);
      expect(calls.map((call) => call.nodeId)).to.not.include('notify');
    });

    it('fails when the event has no profile to change', async () => {
      const { outcome } = await run(callFlow(false), failing, undefined, null as never);
      expect(outcome.trace.find((entry) => entry.nodeId === 'call')!.error).to.include({
        code: 'no_profile',
      });
      expect(outcome.profile).to.equal(null);
    });
  });

  describe('runaway guard', () => {
    /** start → burst → burst2: each burst multiplies the payloads by ten */
    const burstFlow = flow(
      [node('start', 'start'), node('burst', 'pass'), node('burst2', 'pass')],
      [edge('start', 'out', 'burst'), edge('burst', 'out', 'burst2')],
    );
    const tenfold: Table = {
      start: () => emit('out', ...Array.from({ length: 10 }, (_, index) => index)),
      burst: () => emit('out', ...Array.from({ length: 10 }, (_, index) => index)),
    };

    it('stops the run after the configured number of node runs', async () => {
      const { outcome, calls } = await run(burstFlow, tenfold, 50);
      expect(calls).to.have.length(50);
      expect(outcome.trace).to.have.length(50);
      expect(outcome.status).to.equal('error');
      expect(outcome.error).to.deep.equal({
        code: 'run_limit_exceeded',
        message: 'flow stopped after 50 node runs; node "burst2" and the nodes after it did not run',
      });
    });

    it(`allows ${DEFAULT_MAX_NODE_RUNS} node runs by default`, async () => {
      const { outcome, calls } = await run(burstFlow, { ...tenfold, burst2: () => emit('out', 0) });
      expect(calls).to.have.length(1 + 10 + 100);
      expect(outcome.status).to.equal('ok');
      const explosive = await run(burstFlow, { ...tenfold, burst: () => emit('out', ...Array(100).fill(0)) });
      expect(explosive.calls).to.have.length(DEFAULT_MAX_NODE_RUNS);
      expect(explosive.outcome.error?.code).to.equal('run_limit_exceeded');
    });

    it('refuses a limit that is not a positive integer', async () => {
      let thrown: unknown;
      try {
        await run(burstFlow, tenfold, 0);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(RangeError);
    });
  });

  describe('a malformed flow', () => {
    it('is not run when it has a cycle', async () => {
      const looping = flow(
        [node('start', 'start'), node('a', 'pass'), node('b', 'pass')],
        [edge('start', 'out', 'a'), edge('a', 'out', 'b'), edge('b', 'out', 'a')],
      );
      const { outcome, calls } = await run(looping);
      expect(calls).to.deep.equal([]);
      expect(outcome.status).to.equal('error');
      expect(outcome.error).to.deep.equal({
        code: 'invalid_flow',
        message: 'flow is not acyclic: a → b → a',
      });
    });

    it('is not run when more than one node has no incoming edge', async () => {
      const { outcome, calls } = await run(flow([node('start', 'start'), node('other', 'start')], []));
      expect(calls).to.deep.equal([]);
      expect(outcome.error).to.deep.equal({
        code: 'invalid_flow',
        message:
          'flow must have exactly one node without incoming edges (its start node); found other, start',
      });
    });

    it('is not run when it does not have the flow shape', async () => {
      const { outcome } = await run({ nodes: [], edges: [{ id: 'e' }] } as unknown as Flow);
      expect(outcome.error?.code).to.equal('invalid_flow');
      expect(outcome.error?.message).to.contain('edges[0].source is required');
    });
  });
});

describe('a failure reported on an unconnected error port', () => {
  it('marks the run failed and names the node, instead of passing silently', async () => {
    const graph = {
      nodes: [
        {
          id: 'start',
          type: 'cairn',
          position: { x: 0, y: 0 },
          data: { plugin: 'p', version: '1', node: 'start', config: {} },
        },
        {
          id: 'send',
          type: 'cairn',
          position: { x: 0, y: 0 },
          data: { plugin: 'p', version: '1', node: 'send', config: {} },
        },
      ],
      edges: [{ id: 'e', source: 'start', sourceHandle: 'out', target: 'send', targetHandle: 'in' }],
    };
    const answer = (payload: unknown, port: string) => ({
      emissions: [{ port, payload }],
      operations: [],
      ux: [],
      response: {},
      logs: [],
    });
    const executor = {
      execute: async (node: { data: { node: string } }) =>
        node.data.node === 'start'
          ? answer({}, 'out')
          : answer({ error: { code: 'send-failed', message: 'mailbox full' } }, 'error'),
    };
    const run = await runFlow(
      graph,
      { event: { type: 'x' }, profile: null, session: null },
      executor as never,
      {
        clock: () => 0,
      },
    );
    expect(run.status).to.equal('error');
    const send = run.trace.find((t) => t.nodeId === 'send')!;
    expect(send.error).to.deep.equal({ code: 'unhandled_error', message: 'mailbox full', routed: false });
  });
});
