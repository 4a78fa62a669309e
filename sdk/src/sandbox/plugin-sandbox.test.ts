import { expect } from 'chai';
import type { BuiltPlugin } from '../build/index.js';
import type { NodeManifest, NodeRunInput, PluginManifest } from '../contract.js';
import { buildFixture } from '../fixtures/build-fixture.js';
import { ManifestError } from '../manifest/validate.js';
import { resolveLimits } from './limits.js';
import { loadBuiltPlugin } from './load.js';
import { PluginSandbox } from './plugin-sandbox.js';
import { SandboxHost } from './sandbox-host.js';

const input = (payload: NodeRunInput['payload'] = null, config = {}): NodeRunInput => ({
  event: { id: 'e1' },
  profile: { id: 'p1' },
  session: null,
  payload,
  config,
  flow: {},
});

const rawNode = (id: string): NodeManifest => ({
  id,
  title: id,
  description: '',
  category: 'test',
  inputs: ['payload'],
  outputs: ['out'],
  config: { type: 'object' },
  // Writes anywhere, so results reach the checks under test.
  permissions: { profile: { write: ['*'] } },
  resources: [],
});

/** A plugin written without the SDK, to feed the host answers the SDK would never produce. */
function rawPlugin(nodes: Record<string, string>, manifestNodes = Object.keys(nodes).map(rawNode)) {
  const entries = Object.entries(nodes).map(
    ([id, body]) => `{ id: ${JSON.stringify(id)}, outputs: ['out'], run: ${body} }`,
  );
  const manifest: PluginManifest = {
    name: 'raw-plugin',
    version: '1.0.0',
    title: 'Raw',
    description: '',
    cairn: '^0.1.0',
    nodes: manifestNodes,
  };
  return { script: `var __cairnPlugin = { default: { nodes: [${entries.join(',')}] } };`, manifest };
}

describe('plugin sandbox', () => {
  let scoring: BuiltPlugin & { outDir: string };
  before(async () => {
    scoring = await buildFixture('scoring-plugin');
  });

  it('reuses one isolate and context across calls', async () => {
    const sandbox = new PluginSandbox(scoring);
    try {
      const counts = [];
      for (let call = 0; call < 3; call += 1) {
        const outcome = await sandbox.call('counter', input());
        counts.push(outcome.ok ? outcome.result.emissions[0]?.payload : outcome.error.message);
      }
      expect(counts).to.deep.equal([1, 2, 3]);
      expect(sandbox.isolatesCreated).to.equal(1);
    } finally {
      sandbox.dispose();
    }
  });

  it('serves concurrent calls one at a time, in order', async () => {
    const sandbox = new PluginSandbox(scoring);
    try {
      const outcomes = await Promise.all([
        sandbox.call('lookup', input(null, { url: 'http://127.0.0.1:1/' })),
        sandbox.call('counter', input()),
        sandbox.call('lookup', input(null, { url: 'http://127.0.0.1:1/' })),
        sandbox.call('counter', input()),
      ]);
      expect(outcomes.map((outcome) => outcome.ok && outcome.result.emissions[0]?.port)).to.deep.equal([
        'error',
        'out',
        'error',
        'out',
      ]);
      expect(outcomes[3]?.ok && outcomes[3].result.emissions[0]?.payload).to.equal(2);
    } finally {
      sandbox.dispose();
    }
  });

  it('rejects input that is not JSON once the node reads it, and keeps serving, queued or not', async () => {
    const sandbox = new PluginSandbox(scoring);
    const cyclic: { [key: string]: unknown } = {};
    cyclic.self = cyclic;
    const notJson = /^node input is not JSON: Converting circular structure/;
    // threshold runs synchronously and reads the profile; inspect may use http and gets everything.
    for (const [node, given] of [
      ['threshold', { ...input(null, { counter: 'visits', limit: 1 }), profile: cyclic as never }],
      ['inspect', { ...input(), event: cyclic as never }],
    ] as const) {
      const error = await sandbox.call(node, given).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(notJson);
      expect((await sandbox.call('counter', input())).ok).to.equal(true);
    }
    // A section the node never reads is never serialised.
    expect((await sandbox.call('counter', { ...input(), event: cyclic as never })).ok).to.equal(true);
    const queued = [
      sandbox.call('lookup', input(null, { url: 'http://127.0.0.1:1/' })),
      sandbox.call('inspect', { ...input(), event: cyclic as never }).catch((e: unknown) => e),
      sandbox.call('counter', input()),
    ];
    const [lookup, rejected, counter] = await Promise.all(queued);
    expect(rejected).to.be.instanceOf(TypeError);
    expect([lookup, counter].map((outcome) => (outcome as { ok: boolean }).ok)).to.deep.equal([true, true]);
    sandbox.dispose();
  });

  it('fails a call to a node the manifest does not declare', async () => {
    const sandbox = new PluginSandbox(scoring);
    expect(await sandbox.call('missing', input())).to.deep.equal({
      ok: false,
      error: { code: 'plugin-error', message: "@cairn/plugin-test-scoring has no node 'missing'" },
      logs: [],
    });
    sandbox.dispose();
  });

  it('fails a call to a declared node the bundle lacks', async () => {
    const plugin = rawPlugin({ here: '(ctx) => ctx.emit("out")' }, [rawNode('here'), rawNode('gone')]);
    const sandbox = new PluginSandbox(plugin);
    const outcome = await sandbox.call('gone', input());
    expect(!outcome.ok && outcome.error).to.deep.equal({
      code: 'plugin-error',
      message: "the plugin bundle has no node 'gone'",
    });
    sandbox.dispose();
  });

  it('reports a bundle that throws while loading as crashed, on every call', async () => {
    const sandbox = new PluginSandbox({
      ...rawPlugin({ a: '() => undefined' }),
      script: 'throw new Error("bad bundle")',
    });
    for (let call = 0; call < 2; call += 1) {
      const outcome = await sandbox.call('a', input());
      expect(!outcome.ok && outcome.error).to.deep.equal({
        code: 'crashed',
        message: 'plugin failed to load: bad bundle',
      });
    }
    sandbox.dispose();
  });

  describe('validates what comes back', () => {
    it('accepts what the SDK runtime records', async () => {
      const sandbox = new PluginSandbox(rawPlugin({ 'sets-value': '(ctx) => { ctx.profile.set("a", 1); }' }));
      const outcome = await sandbox.call('sets-value', input());
      expect(outcome.ok && outcome.result.operations).to.deep.equal([{ op: 'set', path: 'a', value: 1 }]);
      sandbox.dispose();
    });

    it('refuses emissions that are not emissions', async () => {
      const cases: Record<string, [string, string]> = {
        'returns-number': [
          '() => 42',
          'emissions[0]: must be an emission created by ctx.emit(port, payload)',
        ],
        'no-payload': ['() => ({ port: "out" })', 'emissions[0].payload: is missing'],
      };
      const bodies = Object.fromEntries(Object.entries(cases).map(([id, [body]]) => [id, body]));
      const sandbox = new PluginSandbox(rawPlugin(bodies));
      for (const [id, [, message]] of Object.entries(cases)) {
        const outcome = await sandbox.call(id, input());
        expect(!outcome.ok && outcome.error).to.deep.equal({
          code: 'invalid-result',
          message: `node '${id}' returned an invalid result: ${message}`,
        });
      }
      sandbox.dispose();
    });

    it('refuses a result JSON cannot represent', async () => {
      const sandbox = new PluginSandbox(
        rawPlugin({ cyclic: '(ctx) => { const a = {}; a.self = a; return ctx.emit("out", a); }' }),
      );
      const outcome = await sandbox.call('cyclic', input());
      expect(!outcome.ok && outcome.error.code).to.equal('invalid-result');
      expect(!outcome.ok && outcome.error.message).to.match(
        /^result is not JSON: TypeError: Converting circular structure/,
      );
      sandbox.dispose();
    });
  });

  describe('SandboxHost', () => {
    it('keeps one sandbox per plugin version', async () => {
      const host = new SandboxHost({ limits: { cpuMs: 500 } });
      const plugin = await loadBuiltPlugin(scoring.outDir);
      const first = host.load(plugin);
      expect(host.load(plugin)).to.equal(first);
      expect(host.get('@cairn/plugin-test-scoring', '1.2.3')).to.equal(first);
      expect(first.limits).to.deep.equal({
        memoryMb: 64,
        cpuMs: 500,
        wallMs: 10_000,
        outputBytes: 256 * 1024,
      });
      const next = host.load({ ...plugin, manifest: { ...plugin.manifest, version: '1.2.4' } });
      expect(next).not.to.equal(first);
      host.unload('@cairn/plugin-test-scoring', '1.2.3');
      expect(host.get('@cairn/plugin-test-scoring', '1.2.3')).to.equal(undefined);
      expect((await first.call('counter', input())).ok).to.equal(false);
      expect((await next.call('counter', input())).ok).to.equal(true);
      host.dispose();
    });

    it('refuses a plugin whose manifest is invalid', () => {
      const host = new SandboxHost();
      const plugin = rawPlugin({ a: '() => undefined' });
      expect(() => host.load({ ...plugin, manifest: { ...plugin.manifest, version: 'latest' } })).to.throw(
        ManifestError,
        "version: 'latest' is not a semver version such as 1.2.3",
      );
    });
  });

  it('refuses an invalid manifest before building anything', () => {
    const plugin = rawPlugin({ a: '() => undefined' });
    const manifest = { ...plugin.manifest, nodes: [{ ...rawNode('a'), outputs: ['out', 'out'] }] };
    expect(() => new PluginSandbox({ ...plugin, manifest })).to.throw(
      ManifestError,
      "nodes[0].outputs[1]: port 'out' is declared twice",
    );
  });

  it('refuses limits that are not positive numbers', () => {
    expect(() => resolveLimits({ cpuMs: 0 })).to.throw(
      'sandbox limit cpuMs must be a positive number, got 0',
    );
    expect(() => resolveLimits({ memoryMb: 4 })).to.throw('sandbox limit memoryMb must be at least 8');
  });

  it('fails a call that changes a profile path its node did not declare, and keeps none of its changes', async () => {
    const node = (id: string, write?: string[]): NodeManifest => ({
      ...rawNode(id),
      permissions: write ? { profile: { write } } : {},
    });
    const run =
      '(ctx) => { ctx.profile.set("traits.plan", "gold"); ctx.segments.add("vip"); return ctx.emit("out", 1); }';
    const sandbox = new PluginSandbox(
      rawPlugin({ none: run, traits: run, both: run }, [
        node('none'),
        node('traits', ['traits']),
        node('both', ['traits', 'segments']),
      ]),
    );
    const none = await sandbox.call('none', input());
    expect(!none.ok && none.error).to.deep.equal({
      code: 'permission-denied',
      message:
        "node 'none' changed the profile at 'traits.plan', which its permissions.profile.write does not declare",
    });
    const traits = await sandbox.call('traits', input());
    expect(!traits.ok && traits.error.message).to.contain("at 'segments'");
    const both = await sandbox.call('both', input());
    expect(both.ok && both.result.operations).to.have.length(2);
    sandbox.dispose();
  });
});
