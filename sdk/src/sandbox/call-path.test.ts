import { expect } from 'chai';
import type { Json, JsonObject, NodeManifest, NodeRunInput } from '../contract.js';
import type { NodeCallOutcome } from './errors.js';
import { PluginSandbox } from './plugin-sandbox.js';
import { sealInput } from './sealed-input.js';

const manifestNode = (id: string): NodeManifest => ({
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

/** A plugin written without the SDK; `prelude` runs first, as a bundle's top level would. */
function rawPlugin(nodes: Record<string, string>, prelude = '') {
  const entries = Object.entries(nodes).map(
    ([id, body]) => `{ id: ${JSON.stringify(id)}, outputs: ['out'], run: ${body} }`,
  );
  return {
    script: `${prelude}\nvar __cairnPlugin = { default: { nodes: [${entries.join(',')}] } };`,
    manifest: {
      name: 'raw-plugin',
      version: '1.0.0',
      title: 'Raw',
      description: '',
      cairn: '^0.1.0',
      nodes: Object.keys(nodes).map(manifestNode),
    },
  };
}

const input = (overrides: Partial<NodeRunInput> = {}): NodeRunInput => ({
  event: { id: 'e1', properties: { plan: 'pro' } },
  profile: { id: 'p1', traits: { n: 1 } },
  session: null,
  payload: null,
  config: {},
  flow: { id: 'f1' },
  ...overrides,
});

function payloadOf(outcome: NodeCallOutcome): Json | undefined {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome.result.emissions[0]?.payload;
}

function failed(outcome: NodeCallOutcome) {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

describe('sandbox call path', () => {
  describe('input sections', () => {
    const sandbox = new PluginSandbox(
      rawPlugin(
        {
          read: `(ctx) => ctx.emit('out', {
          event: ctx.event.id,
          n: ctx.profile.traits.n,
          k: ctx.config.k ?? null,
          payload: ctx.payload,
          frozen: [ctx.event, ctx.event.properties, ctx.profile, ctx.profile.traits, ctx.config, ctx.payload]
            .every((value) => value === null || Object.isFrozen(value)),
          stable: ctx.event === ctx.event && ctx.profile === ctx.profile && ctx.config === ctx.config,
        })`,
          other: `(ctx) => ctx.emit('out', ctx.config.k ?? null)`,
          'event-id': `(ctx) => ctx.emit('out', ctx.event.id)`,
          maybe: `(ctx) => ctx.emit('out', ctx.payload.read ? [ctx.session, ctx.event.id] : 'skipped')`,
          keep: `(ctx) => { globalThis.kept = ctx; return ctx.emit('out', ctx.payload); }`,
          late: `(ctx) => { try { return ctx.emit('out', globalThis.kept.session); } catch (error) { return ctx.emit('out', error.message); } }`,
          mutate: `(ctx) => {
          const attempts = [
            () => { ctx.event.properties.plan = 'hacked'; },
            () => { ctx.profile.traits.n = 99; },
            () => { ctx.config.k = 'hacked'; },
            () => { ctx.payload.list.push(4); },
          ];
          return ctx.emit('out', attempts.map((attempt) => {
            try { attempt(); return 'allowed'; } catch (error) { return error.name; }
          }));
        }`,
        },
        "'use strict';",
      ),
    );
    after(() => sandbox.dispose());

    it('gives every call its own input, whether the JSON repeats or changes between calls', async () => {
      const read = async (event: string, n: number, k: string, payload: Json) =>
        payloadOf(
          await sandbox.call(
            'read',
            input({ event: { id: event }, profile: { traits: { n } }, config: { k }, payload }),
          ),
        );
      const expected = (event: string, n: number, k: string, payload: Json) => ({
        event,
        n,
        k,
        payload,
        frozen: true,
        stable: true,
      });
      for (const [event, n, k, payload] of [
        ['e1', 1, 'a', { x: 1 }],
        ['e1', 1, 'a', { x: 1 }],
        ['e2', 1, 'a', { x: 1 }],
        ['e2', 2, 'a', { x: 2 }],
        ['e2', 2, 'b', { x: 2 }],
        ['e1', 1, 'a', { x: 1 }],
      ] as const) {
        expect(await read(event, n, k, payload)).to.deep.equal(expected(event, n, k, payload));
      }
    });

    it('hands a node the sections it starts reading later, with their values of that call', async () => {
      const maybe = async (read: boolean, event: string, session: JsonObject | null) =>
        payloadOf(await sandbox.call('maybe', input({ payload: { read }, event: { id: event }, session })));
      expect(await maybe(false, 'e1', null)).to.equal('skipped');
      expect(await maybe(true, 'e2', { id: 's2' })).to.deep.equal([{ id: 's2' }, 'e2']);
      expect(await maybe(true, 'e3', { id: 's3' })).to.deep.equal([{ id: 's3' }, 'e3']);
      expect(await maybe(false, 'e4', null)).to.equal('skipped');
      expect(await maybe(true, 'e5', null)).to.deep.equal([null, 'e5']);
    });

    it('refuses to read, after its call, a section the call never read', async () => {
      expect(payloadOf(await sandbox.call('keep', input({ payload: 'kept' })))).to.equal('kept');
      expect(payloadOf(await sandbox.call('late', input({ session: { id: 'later' } })))).to.equal(
        'ctx: the node call has already finished; read its input while it runs',
      );
    });

    it('refuses a call made by host code that runs during a call to the same sandbox', async () => {
      let inner: Promise<unknown> | undefined;
      const event = {
        toJSON: () => {
          inner = sandbox.call('other', input()).catch((error: unknown) => (error as Error).message);
          return { id: 'read late' };
        },
      };
      // The node has never read the event, so the event is serialised during the call.
      const outcome = await sandbox.call('event-id', input({ event: event as never }));
      expect(payloadOf(outcome)).to.equal('read late');
      expect(await inner).to.equal('sandbox of raw-plugin was called again while a call was running');
    });

    it('keeps the configs of different nodes apart', async () => {
      for (let round = 0; round < 3; round += 1) {
        expect(payloadOf(await sandbox.call('read', input({ config: { k: 'read' } })))).to.include({
          k: 'read',
        });
        expect(payloadOf(await sandbox.call('other', input({ config: { k: 'other' } })))).to.equal('other');
      }
    });

    it('refuses writes to inputs, and the next call with the same input sees it unchanged', async () => {
      const same = input({ config: { k: 'a' }, payload: { list: [1, 2, 3] } });
      for (let round = 0; round < 2; round += 1) {
        expect(payloadOf(await sandbox.call('mutate', same))).to.deep.equal([
          'TypeError',
          'TypeError',
          'TypeError',
          'TypeError',
        ]);
        expect(payloadOf(await sandbox.call('read', same))).to.deep.include({
          event: 'e1',
          n: 1,
          k: 'a',
          payload: { list: [1, 2, 3] },
        });
      }
    });

    it('gives a start node the event as its payload when both are the same object', async () => {
      const event = { id: 'e9', properties: { plan: 'team' } };
      expect(payloadOf(await sandbox.call('read', input({ event, payload: event })))).to.deep.include({
        event: 'e9',
        payload: event,
      });
    });
  });

  describe('replies', () => {
    it('answers the same result whether the node only emitted or also recorded operations', async () => {
      const sandbox = new PluginSandbox(
        rawPlugin({
          emits: `(ctx) => [ctx.emit('out', 1), ctx.emit('out')]`,
          records: `(ctx) => { ctx.profile.set('traits.a', 1); ctx.response.set('r', true); return ctx.emit('out', 2); }`,
          nothing: '() => undefined',
        }),
      );
      try {
        expect(await sandbox.call('emits', input())).to.deep.equal({
          ok: true,
          result: {
            emissions: [
              { port: 'out', payload: 1 },
              { port: 'out', payload: null },
            ],
            operations: [],
            ux: [],
            response: {},
            logs: [],
          },
        });
        expect(await sandbox.call('records', input())).to.deep.equal({
          ok: true,
          result: {
            emissions: [{ port: 'out', payload: 2 }],
            operations: [{ op: 'set', path: 'traits.a', value: 1 }],
            ux: [],
            response: { r: true },
            logs: [],
          },
        });
        expect(await sandbox.call('nothing', input())).to.deep.equal({
          ok: true,
          result: { emissions: [], operations: [], ux: [], response: {}, logs: [] },
        });
      } finally {
        sandbox.dispose();
      }
    });

    it('validates a reply forged by plugin code that replaced JSON.stringify, in either form', async () => {
      // The runtime shares its realm with the plugin, so its serialiser can be swapped: the host
      // must judge the text it receives, short form or long.
      const forged: Record<string, string> = {
        'forge-port': '[{"port":"secret","payload":1}]',
        'forge-escaped-proto': String.raw`[{"port":"out","payload":{"a":{"\u005f_proto__":{"polluted":"yes"}}}}]`,
        'forge-literal-proto': '[{"port":"out","payload":[{"__proto__":{"polluted":"yes"}}]}]',
        'forge-path': JSON.stringify({
          ok: true,
          result: {
            emissions: [],
            operations: [{ op: 'set', path: 'traits.constructor.prototype', value: 1 }],
            ux: [],
            response: {},
          },
        }),
        'forge-response': String.raw`{"ok":true,"result":{"emissions":[],"operations":[],"ux":[],"response":{"x":{"\u005F\u005Fproto__":1}}}}`,
        'forge-garbage': '[not json',
      };
      const prelude = `
        const forged = ${JSON.stringify(forged)};
        const realStringify = JSON.stringify;
        JSON.stringify = function (...args) {
          const text = realStringify.apply(JSON, args);
          for (const id of Object.keys(forged)) {
            if (text === undefined || !text.includes('"' + id + '"')) continue;
            // For a long-form forgery, fail the emissions first so the whole reply is serialised.
            return forged[id].startsWith('{') && text.startsWith('[') ? undefined : forged[id];
          }
          return text;
        };`;
      const nodes = Object.fromEntries(
        Object.keys(forged).map((id) => [id, `(ctx) => ctx.emit('out', '${id}')`]),
      );
      const sandbox = new PluginSandbox(rawPlugin(nodes, prelude));
      try {
        const messages: Record<string, string> = {};
        for (const id of Object.keys(forged)) messages[id] = failed(await sandbox.call(id, input())).message;
        expect(messages).to.deep.equal({
          'forge-port':
            "node 'forge-port' returned an invalid result: emissions[0].port: 'secret' is not an output of node 'forge-port' (outputs: out)",
          'forge-escaped-proto':
            "node 'forge-escaped-proto' returned an invalid result: emissions[0].payload.a.__proto__: key is not allowed",
          'forge-literal-proto':
            "node 'forge-literal-proto' returned an invalid result: emissions[0].payload[0].__proto__: key is not allowed",
          'forge-path':
            "node 'forge-path' returned an invalid result: operations[0].path: segment 'constructor' is not allowed",
          'forge-response':
            "node 'forge-response' returned an invalid result: response.x.__proto__: key is not allowed",
          'forge-garbage': 'the node reply is not JSON',
        });
        expect(({} as { polluted?: unknown }).polluted).to.equal(undefined);
      } finally {
        sandbox.dispose();
      }
    });
  });

  describe('repeated inputs and passed-on payloads', () => {
    it('reads every section right when calls repeat some and change others, also after the isolate is rebuilt', async () => {
      const sandbox = new PluginSandbox(
        rawPlugin({
          echo: `(ctx) => ctx.emit('out', [ctx.event.id, ctx.profile.traits, ctx.config, ctx.payload])`,
          spin: '() => { for (;;) {} }',
        }),
        { limits: { cpuMs: 50 } },
      );
      const first = sealInput({ id: 'e1', properties: {} });
      const second = sealInput({ id: 'e2', properties: {} });
      const profile = sealInput({ id: 'p1', traits: { n: 1 } });
      const echo = (event: JsonObject, payload: Json, config: JsonObject = {}) =>
        sandbox.call('echo', input({ event, profile, payload, config }));
      try {
        expect(payloadOf(await echo(first, 'a'))).to.deep.equal(['e1', { n: 1 }, {}, 'a']);
        expect(payloadOf(await echo(first, 'a'))).to.deep.equal(['e1', { n: 1 }, {}, 'a']);
        expect(payloadOf(await echo(second, first, { k: 1 }))).to.deep.equal([
          'e2',
          { n: 1 },
          { k: 1 },
          { id: 'e1', properties: {} },
        ]);
        expect(failed(await sandbox.call('spin', input())).code).to.equal('timeout');
        // A fresh isolate has seen none of the earlier texts: they are sent again.
        expect(payloadOf(await echo(second, first, { k: 1 }))).to.deep.equal([
          'e2',
          { n: 1 },
          { k: 1 },
          { id: 'e1', properties: {} },
        ]);
        expect(sandbox.isolatesCreated).to.equal(2);
      } finally {
        sandbox.dispose();
      }
    });

    it("hands back a payload passed on unchanged: the caller's sealed value itself, or an equal copy of a plain one", async () => {
      const sandbox = new PluginSandbox(
        rawPlugin({
          pass: `(ctx) => ctx.emit('out', ctx.payload)`,
          both: `(ctx) => [ctx.emit('out', ctx.event), ctx.emit('out', ctx.payload), ctx.emit('out', ctx.payload.n)]`,
        }),
      );
      try {
        const sealed = sealInput({ n: 1, list: [1, 2] });
        const outcome = await sandbox.call('pass', input({ payload: sealed }));
        expect(payloadOf(outcome)).to.equal(sealed);

        const plain = { n: 2, list: [3] };
        const copied = payloadOf(await sandbox.call('pass', input({ payload: plain })));
        expect(copied).to.deep.equal(plain);
        expect(copied).not.to.equal(plain);

        const event = sealInput({ id: 'e9', properties: {} });
        const both = await sandbox.call('both', input({ event, payload: plain }));
        if (!both.ok) throw new Error(both.error.message);
        expect(both.result.emissions.map((e) => e.payload)).to.deep.equal([event, plain, 2]);
        expect(both.result.emissions[0]!.payload).to.equal(event);
      } finally {
        sandbox.dispose();
      }
    });

    it('refuses a reply that names an input the call never received', async () => {
      // Plugin code can swap the runtime's serialiser and write any reply, references included.
      const prelude = `
        const realStringify = JSON.stringify;
        JSON.stringify = function (...args) {
          const text = realStringify.apply(JSON, args);
          if (text === undefined || !text.includes('"forge"')) return text;
          return text.startsWith('[') ? undefined : '=0:9,;' + text;
        };`;
      const sandbox = new PluginSandbox(rawPlugin({ forge: `(ctx) => ctx.emit('out', 'forge')` }, prelude));
      try {
        const error = failed(await sandbox.call('forge', input()));
        expect(error.code).to.equal('invalid-result');
        expect(error.message).to.equal('the node reply names an input it did not receive');
      } finally {
        sandbox.dispose();
      }
    });
  });

  describe('sealInput', () => {
    it('deep-freezes a JSON value and returns it', () => {
      const value: JsonObject = { a: { b: [1, { c: 'd' }] }, e: null };
      expect(sealInput(value)).to.equal(value);
      const inner = (value.a as JsonObject).b as Json[];
      for (const part of [value, value.a, inner, inner[1]]) expect(Object.isFrozen(part)).to.equal(true);
      expect(sealInput(value)).to.equal(value);
      expect(sealInput('text')).to.equal('text');
    });

    it('refuses what is not plain JSON data and leaves it unfrozen', () => {
      const cyclic: { [key: string]: unknown } = { a: {} };
      cyclic.self = cyclic;
      const accessor = Object.defineProperty({ inner: {} }, 'x', {
        get: () => Math.random(),
        enumerable: true,
      });
      const cases: [unknown, RegExp][] = [
        [{ inner: {}, when: new Date(0) }, /value\.when is not a plain object or array/],
        [accessor, /value\.x is an accessor/],
        [{ inner: {}, list: [1, Number.NaN] }, /value\.list\[1\] is not a finite number/],
        [{ inner: {}, f: () => 1 }, /value\.f is not JSON \(function\)/],
        [cyclic, /value\.self refers back to itself/],
      ];
      for (const [value, message] of cases) {
        expect(() => sealInput(value as Json)).to.throw(TypeError, message);
        expect(Object.isFrozen(value)).to.equal(false);
        expect(
          Object.isFrozen((value as { inner?: object; a?: object }).inner ?? (value as { a: object }).a),
        ).to.equal(false);
      }
    });

    it('freezes the inside of a value whose outer object was frozen already', () => {
      const value = Object.freeze({ inner: { n: 1 } });
      sealInput(value);
      expect(Object.isFrozen(value.inner)).to.equal(true);
    });

    it('answers calls given sealed sections exactly as calls given plain ones', async () => {
      const sandbox = new PluginSandbox(
        rawPlugin({
          all: `(ctx) => ctx.emit('out', [ctx.event, ctx.profile.traits, ctx.session, ctx.payload, ctx.config, ctx.flow])`,
        }),
      );
      try {
        const plain = input({ session: { id: 's1' }, payload: { p: [1, 2] }, config: { k: 'v' } });
        const expected = await sandbox.call('all', plain);
        const sealed = input({
          event: sealInput({ id: 'e1', properties: { plan: 'pro' } }),
          profile: sealInput({ id: 'p1', traits: { n: 1 } }),
          session: sealInput({ id: 's1' }),
          payload: { p: [1, 2] },
          config: sealInput({ k: 'v' }),
        });
        for (let round = 0; round < 2; round += 1)
          expect(await sandbox.call('all', sealed)).to.deep.equal(expected);
        const other = await sandbox.call('all', { ...sealed, payload: { p: [3] } });
        expect(payloadOf(other)).to.deep.equal([
          { id: 'e1', properties: { plan: 'pro' } },
          { n: 1 },
          { id: 's1' },
          { p: [3] },
          { k: 'v' },
          { id: 'f1' },
        ]);
      } finally {
        sandbox.dispose();
      }
    });
  });
});
