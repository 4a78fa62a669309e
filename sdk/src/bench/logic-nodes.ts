// Per-call cost of the built-in logic plugin's nodes in the sandbox, with about 1 KB of input:
// `npm run build` at the root, then
// `node --no-node-snapshot sdk/dist/bench/logic-nodes.js [plugin dir] [--json]`.
import { fileURLToPath } from 'node:url';
import type { JsonObject, NodeRunInput } from '../contract.js';
import { loadBuiltPlugin, PluginSandbox, sealInput } from '../sandbox/index.js';

const ROUNDS = 10;
const CALLS = 20_000;

const event: JsonObject = {
  id: 'ev-8c1f0a9e-4b7e-4a51-9a43-2f1d0c7b5e21',
  type: 'checkout',
  source: { id: 'web-shop' },
  time: { insert: '2026-11-29T05:00:00.000Z' },
  properties: {
    url: 'https://shop.example/checkout',
    plan: 'enterprise',
    total: 129.9,
    currency: 'EUR',
    items: [{ sku: 'TR2-42', qty: 1 }],
    referrer: 'https://search.example/?q=trail+shoes',
  },
  context: { page: { width: 1280, height: 720 }, browser: { name: 'Firefox', version: '140' } },
};
const profile: JsonObject = {
  id: 'pr-51b7c2d4-95e3-4f0a-8d8e-0b9f3a6c1e77',
  traits: { name: 'Ann Example', plan: 'pro', country: 'DE', age: 42 },
  stats: { visits: 12, views: 48, counters: { orders: 3 } },
  segments: ['buyers', 'runners'],
  consents: { marketing: { revokeAt: null } },
  interests: { shoes: 4, trail: 2 },
};
const session: JsonObject = { id: 'se-2f7d', started: '2026-11-29T04:55:00.000Z' };
const flow: JsonObject = { id: 'flow-1', name: 'Checkout', version: 3, node: { id: 'node-7' } };

const cases: { node: string; input: NodeRunInput }[] = [
  { node: 'start', input: { event, profile, session, payload: event, config: {}, flow } },
  {
    node: 'if',
    input: {
      event,
      profile,
      session,
      payload: { sku: 'TR2-42' },
      config: { condition: "profile@traits.age >= 18 AND event@properties.plan == 'enterprise'" },
      flow,
    },
  },
  {
    node: 'set',
    input: {
      event,
      profile,
      session,
      payload: { sku: 'TR2-42' },
      config: { path: 'profile@traits.plan', value: 'event@properties.plan' },
      flow,
    },
  },
  {
    node: 'increment',
    input: {
      event,
      profile,
      session,
      payload: { sku: 'TR2-42' },
      config: { path: 'profile@stats.counters.orders', by: 1 },
      flow,
    },
  },
];

async function measure(sandbox: PluginSandbox, node: string, input: NodeRunInput): Promise<number[]> {
  for (let call = 0; call < CALLS; call += 1) await sandbox.call(node, input);
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let call = 0; call < CALLS; call += 1) {
      const outcome = await sandbox.call(node, input);
      if (!outcome.ok) throw new Error(outcome.error.message);
    }
    rounds.push(Number(process.hrtime.bigint() - started) / CALLS / 1000);
  }
  return rounds.sort((a, b) => a - b);
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const dir =
  args.find((arg) => !arg.startsWith('--')) ??
  fileURLToPath(new URL('../../../plugins/logic/dist/plugin', import.meta.url));
const sandbox = new PluginSandbox(await loadBuiltPlugin(dir));
const results: { node: string; inputBytes: number; bestUs: number; medianUs: number }[] = [];
/** The case with what a flow's calls share (event, profile, session, config) sealed. */
const sealed = ({ event, profile, session, payload, config, flow }: NodeRunInput): NodeRunInput => {
  const shared = sealInput(structuredClone(event));
  return {
    event: shared,
    profile: sealInput(structuredClone(profile)),
    session: sealInput(structuredClone(session)),
    payload: payload === event ? shared : payload,
    config: sealInput(structuredClone(config)),
    flow,
  };
};
for (const { node, input } of cases) {
  const inputBytes = Buffer.byteLength(JSON.stringify(input));
  for (const [label, given] of [
    [node, input],
    [`${node}, sealed`, sealed(input)],
  ] as const) {
    const rounds = await measure(sandbox, node, given);
    results.push({ node: label, inputBytes, bestUs: rounds[0]!, medianUs: rounds[ROUNDS / 2]! });
  }
}
sandbox.dispose();
if (json) {
  console.log(JSON.stringify({ results }));
} else {
  for (const r of results) {
    console.log(
      `${r.node.padEnd(18)} best ${r.bestUs.toFixed(2)} µs, median ${r.medianUs.toFixed(2)} µs per call (${r.inputBytes} bytes of input)`,
    );
  }
}
