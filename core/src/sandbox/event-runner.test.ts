import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadBuiltPlugin, SandboxHost } from '@cairn/sdk/sandbox';
import { expect } from 'chai';
import type { TraceEntry } from '../engine/index.js';
import { edge, kitNode, TEST_KIT, testKitPlugin } from '../test-support/plugins.js';
import { runEvent, sealedParts } from './event-runner.js';
import {
  decodeOutcomes,
  decodeRunRequest,
  type EventRunRequest,
  encodeOutcomes,
  encodeRunRequest,
} from './protocol.js';

const graph = {
  nodes: [
    kitNode('start', 'start'),
    kitNode('bump', 'bump', { path: 'stats.counters.views', segment: 'viewers' }),
    kitNode('answer', 'reply', { key: 'seen', value: 'yes' }),
  ],
  edges: [edge('start', 'out', 'bump'), edge('bump', 'out', 'answer')],
};

const request = (trace?: 'full' | 'timings'): EventRunRequest => ({
  flows: [{ id: 'f1', name: 'Views', version: 1, graph }],
  ...(trace ? { trace } : {}),
  event: { id: 'e1', type: 'page-view', properties: { title: 'Trail shoe', tags: ['a', 'é'] } },
  profile: { id: 'p1', traits: {}, stats: { counters: { views: 2 } }, segments: [] },
  session: { id: 's1', context: { page: 'x\u0000y' } },
});

describe('running the flows of one event in a sandbox worker', () => {
  let host: SandboxHost;
  before(async () => {
    host = new SandboxHost();
    host.load(await loadBuiltPlugin(await testKitPlugin()));
  });
  after(() => host.dispose());
  const lookup = (plugin: string, version: string) => host.get(plugin, version);

  it('crosses the process boundary as text and comes back as the same request', () => {
    const sent = request('timings');
    const received = decodeRunRequest(encodeRunRequest(sent), sealedParts);
    expect(received).to.deep.equal(sent);
    // The event and profile arrive sealed, read-only for the flows of the run.
    expect(Object.isFrozen(received.event)).to.equal(true);
    expect(Object.isFrozen(received.profile)).to.equal(true);
  });

  it('traces every node with its payload, emissions and operations', async () => {
    const result = await runEvent(decodeRunRequest(encodeRunRequest(request()), sealedParts), lookup, 100);
    expect(result.status).to.equal('ok');
    expect(result.response).to.deep.equal({ seen: 'yes' });
    expect(result.operations).to.deep.equal([
      { op: 'increment', path: 'stats.counters.views', by: 1 },
      { op: 'segment.add', segment: 'viewers' },
    ]);
    expect(result.traces).to.equal('full');
    const [start, bump] = result.flows[0]!.trace as TraceEntry[];
    expect(start!.payload).to.deep.equal(request().event);
    expect(bump!.emissions).to.deep.equal([{ port: 'out', payload: request().event }]);
    expect(bump!.operations).to.have.length(2);
  });

  it('leaves payloads, emissions, operations and logs out of the trace when only timings are asked for', async () => {
    const full = await runEvent(
      decodeRunRequest(encodeRunRequest(request('full')), sealedParts),
      lookup,
      100,
    );
    const timed = await runEvent(
      decodeRunRequest(encodeRunRequest(request('timings')), sealedParts),
      lookup,
      100,
    );
    expect(timed.operations).to.deep.equal(full.operations);
    expect(timed.response).to.deep.equal(full.response);
    const trace = timed.flows[0]!.trace;
    expect(trace.map((t) => [t.nodeId, t.plugin, t.version, t.node])).to.deep.equal(
      full.flows[0]!.trace.map((t) => [t.nodeId, TEST_KIT.plugin, TEST_KIT.version, t.node]),
    );
    expect(timed.traces).to.equal('timings');
    expect(full.traces).to.equal('full');
    for (const entry of trace) {
      expect(Object.keys(entry).sort()).to.deep.equal(['durationMs', 'node', 'nodeId', 'plugin', 'version']);
      expect(entry.durationMs).to.be.a('number');
    }
    const [outcome] = decodeOutcomes(encodeOutcomes([{ id: 7, result: timed }]));
    expect(outcome).to.deep.equal({ id: 7, result: timed });
  });

  it('gives a node the profile as the nodes before it left it, and the event as it came', async () => {
    const logic = { plugin: '@cairn/plugin-logic', version: '0.1.0' };
    const node = (id: string, name: string, config: object) => ({
      id,
      type: 'cairn',
      position: { x: 0, y: 0 },
      data: { ...logic, node: name, config },
    });
    const counting = {
      nodes: [
        node('start', 'start', {}),
        node('count', 'increment', { path: 'profile@stats.counters.views', by: 1 }),
        node('name', 'set', { path: 'profile@traits.last', value: 'event@properties.title' }),
        node('answer', 'set-response', { key: 'views', value: 'profile@stats.counters.views' }),
        node('title', 'set-response', { key: 'last', value: 'profile@traits.last' }),
      ],
      edges: [
        edge('start', 'out', 'count'),
        edge('count', 'out', 'name'),
        edge('name', 'out', 'answer'),
        edge('answer', 'out', 'title'),
      ],
    };
    const logicHost = new SandboxHost();
    const require = createRequire(import.meta.url);
    logicHost.load(
      await loadBuiltPlugin(
        join(dirname(require.resolve('@cairn/plugin-logic/package.json')), 'dist/plugin'),
      ),
    );
    try {
      const sent = {
        ...request('timings'),
        flows: [{ id: 'f2', name: 'Counting', version: 1, graph: counting }],
      };
      for (let round = 0; round < 2; round++) {
        const result = await runEvent(
          decodeRunRequest(encodeRunRequest(sent), sealedParts),
          (plugin, version) => logicHost.get(plugin, version),
          100,
        );
        expect(result.status).to.equal('ok');
        expect(result.response).to.deep.equal({ views: 3, last: 'Trail shoe' });
      }
    } finally {
      logicHost.dispose();
    }
  });
});
