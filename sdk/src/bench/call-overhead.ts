// Per-call overhead of the sandbox: `npm run bench -w sdk`. Reports the mean time of a trivial
// node call (and two less trivial ones) with about 1 KB of input, best and median of 10 rounds.
import type { NodeRunInput, NodeRunResult } from '../contract.js';
import { buildFixture } from '../fixtures/build-fixture.js';
import { PluginSandbox, sealInput } from '../sandbox/index.js';

const ROUNDS = 10;
const CALLS = 20_000;

const input: NodeRunInput = {
  event: {
    id: 'ev-8c1f0a9e-4b7e-4a51-9a43-2f1d0c7b5e21',
    type: 'product-view',
    source: { id: 'web-shop' },
    time: { insert: '2026-11-29T05:00:00.000Z' },
    properties: {
      url: 'https://shop.example/products/trail-runner-2',
      title: 'Trail Runner 2',
      price: 129.9,
      currency: 'EUR',
      tags: ['shoes', 'running', 'trail'],
      referrer: 'https://search.example/?q=trail+shoes',
    },
    context: { page: { width: 1280, height: 720 }, browser: { name: 'Firefox', version: '140' } },
  },
  profile: {
    id: 'pr-51b7c2d4-95e3-4f0a-8d8e-0b9f3a6c1e77',
    traits: { name: 'Ann Example', plan: 'pro', country: 'DE' },
    stats: { visits: 12, views: 48 },
    segments: ['buyers', 'runners'],
    consents: { marketing: { revokeAt: null } },
    interests: { shoes: 4, trail: 2 },
  },
  session: { id: 'se-2f7d', started: '2026-11-29T04:55:00.000Z' },
  payload: { sku: 'TR2-42', size: 42, color: 'blue' },
  config: { counter: 'visits', limit: 10 },
  flow: { id: 'flow-1', name: 'Product views', version: 3, node: { id: 'node-7' } },
};

/** The same input with other values: alternating the two makes every section's JSON change. */
const otherInput: NodeRunInput = {
  ...structuredClone(input),
  event: { ...structuredClone(input.event), id: 'ev-0d3e7c55-1a2b-4c3d-8e9f-a0b1c2d3e4f5' },
  profile: { ...structuredClone(input.profile), stats: { visits: 13, views: 49 } },
  session: { id: 'se-2f7e', started: '2026-11-29T04:56:00.000Z' },
  payload: { sku: 'TR2-43', size: 43, color: 'red' },
  config: { counter: 'views', limit: 10 },
  flow: { id: 'flow-1', name: 'Product views', version: 3, node: { id: 'node-8' } },
};

/** The input with what a flow's calls share sealed (`sealInput`), as a host can do once per event. */
const sealedInput: NodeRunInput = {
  ...structuredClone(input),
  event: sealInput(structuredClone(input.event)),
  profile: sealInput(structuredClone(input.profile)),
  session: sealInput(structuredClone(input.session)),
  config: sealInput(structuredClone(input.config)),
};

async function measure(sandbox: PluginSandbox, node: string, inputs = [input]): Promise<number[]> {
  for (let call = 0; call < CALLS; call += 1) await sandbox.call(node, inputs[call % inputs.length]!);
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let call = 0; call < CALLS; call += 1) {
      const outcome = await sandbox.call(node, inputs[call % inputs.length]!);
      if (!outcome.ok) throw new Error(outcome.error.message);
    }
    rounds.push(Number(process.hrtime.bigint() - started) / CALLS / 1000);
  }
  return rounds.sort((a, b) => a - b);
}

/**
 * The `threshold` node's logic as a plain host function with the same input and result shape:
 * the baseline the sandbox's cost is compared with.
 */
function plainThreshold(call: NodeRunInput): NodeRunResult {
  const stats = (call.profile?.stats ?? {}) as { [name: string]: number };
  const config = call.config as { counter: string; limit: number };
  const value = stats[config.counter] ?? 0;
  return {
    emissions: [{ port: value > config.limit ? 'above' : 'below', payload: { value, limit: config.limit } }],
    operations: [],
    ux: [],
    response: {},
    logs: [],
  };
}

async function measurePlain(): Promise<number[]> {
  const rounds: number[] = [];
  let sink = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let call = 0; call < CALLS; call += 1) sink += (await plainThreshold(input)).emissions.length;
    rounds.push(Number(process.hrtime.bigint() - started) / CALLS / 1000);
  }
  if (sink === 0) throw new Error('the baseline did no work');
  return rounds.sort((a, b) => a - b);
}

const json = process.argv.includes('--json');
const sandbox = new PluginSandbox(await buildFixture('scoring-plugin'));
const inputBytes = Buffer.byteLength(JSON.stringify(input));
const results: { node: string; what: string; bestUs: number; medianUs: number }[] = [];
for (const [node, what, inputs] of [
  ['counter', 'trivial: reads nothing, emits a number', [input]],
  ['threshold', 'reads profile and config, emits an object', [input]],
  ['threshold', 'the same, every call with other JSON in every section', [input, otherInput]],
  ['threshold', 'the same, event, profile, session and config sealed', [sealedInput]],
  ['inspect', 'async, reads and re-emits every input', [input]],
] as const) {
  const rounds = await measure(sandbox, node, [...inputs]);
  results.push({ node, what, bestUs: rounds[0]!, medianUs: rounds[ROUNDS / 2]! });
}
const plain = await measurePlain();
results.push({
  node: 'threshold as a plain function',
  what: 'same logic, no sandbox',
  bestUs: plain[0]!,
  medianUs: plain[ROUNDS / 2]!,
});
sandbox.dispose();
if (json) {
  console.log(JSON.stringify({ inputBytes, results }));
} else {
  console.log(`input: ${inputBytes} bytes of JSON`);
  for (const r of results) {
    console.log(
      `${r.node.padEnd(10)} best ${r.bestUs.toFixed(2)} µs, median ${r.medianUs.toFixed(2)} µs per call (${r.what})`,
    );
  }
}
