/**
 * The sandbox side of one event with the benchmark's 3-node flow, in one process and without a
 * database: what a sandbox worker spends per event (walking the flow, four node calls through the
 * isolate) and what the event's run request and result cost to cross the process boundary.
 * `node --no-node-snapshot core/dist/bench/flow-event.js [--json]`
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { JsonObject } from '@cairn/sdk';
import { loadBuiltPlugin, SandboxHost } from '@cairn/sdk/sandbox';
import { eventView, profileView, sessionView } from '../api/views.js';
import { runEvent, sealedParts } from '../sandbox/event-runner.js';
import {
  decodeOutcomes,
  decodeRunRequest,
  type EventRunRequest,
  encodeOutcomes,
  encodeRunRequest,
} from '../sandbox/protocol.js';
import type { EventRecord, ProfileRecord, SessionRecord } from '../storage/records.js';
import { benchFlowDraft } from './bench-flow.js';

const PROFILES = 500;
const EVENTS = 20_000;
const ROUNDS = 5;

const host = new SandboxHost();
const require = createRequire(import.meta.url);
const logic = host.load(
  await loadBuiltPlugin(join(dirname(require.resolve('@cairn/plugin-logic/package.json')), 'dist/plugin')),
);
const lookup = (plugin: string, version: string) =>
  plugin === logic.manifest.name && version === logic.manifest.version ? logic : undefined;

const now = new Date();
const profiles: ProfileRecord[] = Array.from({ length: PROFILES }, (_, i) => ({
  id: `0193a0c2-0000-7000-8000-${String(i).padStart(12, '0')}`,
  active: true,
  ids: [],
  traits: { name: `Customer ${i}`, plan: i % 3 ? 'free' : 'pro' },
  data: {},
  consents: {},
  segments: [],
  interests: {},
  stats: { visits: 3, views: 10 + i, counters: { good_views: i } },
  createdAt: now,
  updatedAt: now,
  visitLast: now,
  visitCurrent: now,
}));

function request(n: number): EventRunRequest {
  const profile = profiles[n % PROFILES]!;
  const session: SessionRecord = {
    id: `bench-session-${n % PROFILES}`,
    profileId: profile.id,
    context: {},
    device: { type: 'desktop' },
    os: { name: 'Linux' },
    app: { name: 'Firefox', version: '140' },
    utm: {},
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
  const event: EventRecord = {
    id: `0193a0c2-1111-7000-8000-${String(n).padStart(12, '0')}`,
    type: 'page-view',
    properties: { url: 'https://shop.example.com/products/42', title: 'Trail shoe', rating: 5 },
    context: {},
    tags: [],
    sourceId: 'bench',
    sessionId: session.id,
    profileId: profile.id,
    createdAt: now,
    insertedAt: now,
    status: 'collected',
    ip: '127.0.0.1',
    userAgent: 'autocannon',
  };
  return {
    flows: [{ id: 'flow-1', name: 'bench', version: 1, graph: benchFlowDraft }],
    event: eventView(event) as unknown as JsonObject,
    profile: profileView(profile) as unknown as JsonObject,
    session: sessionView(session) as unknown as JsonObject,
  };
}

/** CPU µs per event of `work`, best and median of the rounds. */
async function measure(
  work: (n: number) => Promise<unknown> | unknown,
): Promise<{ best: number; median: number }> {
  for (let n = 0; n < EVENTS / 4; n++) await work(n);
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.cpuUsage();
    for (let n = 0; n < EVENTS; n++) await work(n);
    const used = process.cpuUsage(started);
    rounds.push((used.user + used.system) / EVENTS);
  }
  rounds.sort((a, b) => a - b);
  return { best: rounds[0]!, median: rounds[Math.floor(ROUNDS / 2)]! };
}

const sample = await runEvent(request(0), lookup, 1000);
if (sample.status !== 'ok' || sample.operations.length !== 2)
  throw new Error(`unexpected run: ${JSON.stringify(sample)}`);

/** What the worker does per event: decode the request, walk the flow, encode the outcome. */
async function workerSide(text: string, id: number): Promise<string> {
  const result = await runEvent(decodeRunRequest(text, sealedParts), lookup, 1000);
  return encodeOutcomes([{ id, result }]);
}
const texts = Array.from({ length: PROFILES }, (_, n) =>
  encodeRunRequest({ ...request(n), trace: 'timings' }),
);
const outcome = await workerSide(texts[0]!, 0);
const results = {
  worker: await measure((n) => workerSide(texts[n % PROFILES]!, n)),
  workerFullTrace: await measure((n) => workerSide(encodeRunRequest({ ...request(n), trace: 'full' }), n)),
  host: await measure((n) => {
    encodeRunRequest({ ...request(n), trace: 'timings' });
    return decodeOutcomes(outcome);
  }),
  requestBytes: texts[0]!.length,
  resultBytes: outcome.length,
};
host.dispose();
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else {
  const line = (what: string, m: { best: number; median: number }) =>
    console.log(`${what}: best ${m.best.toFixed(1)} µs, median ${m.median.toFixed(1)} µs CPU per event`);
  line('sandbox worker (decode, 4 node calls, encode)', results.worker);
  line('the same with full traces', results.workerFullTrace);
  line('host (encode the request, decode the outcome)', results.host);
  console.log(`request ${results.requestBytes} B, outcome ${results.resultBytes} B of JSON`);
}
