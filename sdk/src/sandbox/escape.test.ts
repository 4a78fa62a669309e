import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import type { NodeRunInput } from '../contract.js';
import { buildFixture } from '../fixtures/build-fixture.js';
import type { NodeCallOutcome } from './errors.js';
import { HttpCapability } from './http-capability.js';
import { PluginSandbox } from './plugin-sandbox.js';

const input = (payload: NodeRunInput['payload'] = { hello: 'world' }, config = {}): NodeRunInput => ({
  event: { id: 'e1', type: 'page-view' },
  profile: { id: 'p1' },
  session: null,
  payload,
  config,
  flow: { id: 'f1' },
});

function failed(outcome: NodeCallOutcome) {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

describe('sandbox escape suite', () => {
  let sandbox: PluginSandbox;

  before(async () => {
    const built = await buildFixture('hostile-plugin');
    sandbox = new PluginSandbox(built, {
      limits: { cpuMs: 250, memoryMb: 64 },
      http: new HttpCapability({ timeoutMs: 1000 }),
    });
  });
  after(() => sandbox.dispose());

  /** Every attack must leave the sandbox able to serve a normal call right afterwards. */
  afterEach(async () => {
    const outcome = await sandbox.call('echo', input({ still: 'serving' }));
    expect(outcome).to.deep.equal({
      ok: true,
      result: {
        emissions: [{ port: 'out', payload: { still: 'serving' } }],
        operations: [],
        ux: [],
        response: {},
        logs: [],
      },
    });
  });

  it('has no process object', async () => {
    expect(failed(await sandbox.call('read-process', input()))).to.deep.equal({
      code: 'plugin-error',
      message: 'ReferenceError: process is not defined',
    });
  });

  it('has no require', async () => {
    expect(failed(await sandbox.call('call-require', input()))).to.deep.equal({
      code: 'plugin-error',
      message: 'ReferenceError: require is not defined',
    });
  });

  it("finds nothing through this.constructor.constructor('return process')()", async () => {
    expect(failed(await sandbox.call('constructor-escape', input()))).to.deep.equal({
      code: 'plugin-error',
      message: 'ReferenceError: process is not defined',
    });
  });

  it('finds no host objects through the Function constructor reached from ctx', async () => {
    const outcome = await sandbox.call('ctx-constructor-escape', input());
    expect(outcome.ok && outcome.result.emissions[0]?.payload).to.equal('undefinedundefinedundefined');
  });

  it('exposes nothing on globalThis beyond the JavaScript built-ins', async () => {
    const outcome = await sandbox.call('global-names', input());
    if (!outcome.ok) throw new Error(outcome.error.message);
    const names = outcome.result.emissions[0]?.payload as string[];
    const builtIns = new Set(Object.getOwnPropertyNames(runInNewContext('globalThis')));
    // The bundle's export is the only extra; V8's console (a no-op without an inspector) is built in.
    expect(names.filter((name) => !builtIns.has(name))).to.deep.equal(['__cairnPlugin']);
    expect(names).not.to.include('WebAssembly');
  });

  it('keeps prototype pollution inside the isolate', async () => {
    const outcome = await sandbox.call('pollute-prototype', input());
    expect(outcome.ok).to.equal(true);
    expect(({} as { polluted?: unknown }).polluted).to.equal(undefined);
    expect(([] as unknown as { polluted?: unknown }).polluted).to.equal(undefined);
    expect(Object.prototype).not.to.have.property('polluted');
  });

  it('refuses __proto__ keys in emitted payloads', async () => {
    const error = failed(await sandbox.call('proto-payload', input()));
    expect(error.code).to.equal('invalid-result');
    expect(error.message).to.contain('emissions[0].payload.__proto__: key is not allowed');
    expect(({} as { polluted?: unknown }).polluted).to.equal(undefined);
  });

  it('refuses profile paths that walk into prototypes', async () => {
    const error = failed(await sandbox.call('proto-path', input()));
    expect(error.code).to.equal('invalid-result');
    expect(error.message).to.contain("operations[0].path: segment '__proto__' is not allowed");
  });

  it('refuses an emission on an undeclared port, even one built by hand', async () => {
    const error = failed(await sandbox.call('forge-port', input()));
    expect(error).to.deep.equal({
      code: 'invalid-result',
      message:
        "node 'forge-port' returned an invalid result: emissions[0].port: 'secret' is not an output of node 'forge-port' (outputs: out)",
    });
  });

  it('reports a thrown error as plugin-error', async () => {
    expect(failed(await sandbox.call('throw', input()))).to.deep.equal({
      code: 'plugin-error',
      message: 'Error: boom',
    });
  });

  it('stops an infinite loop at the CPU limit and rebuilds the isolate', async () => {
    await sandbox.call('echo', input());
    const before = sandbox.isolatesCreated;
    const started = Date.now();
    expect(failed(await sandbox.call('spin', input()))).to.deep.equal({
      code: 'timeout',
      message: "node 'spin' exceeded the CPU limit of 250 ms",
    });
    expect(Date.now() - started).to.be.below(5000);
    await sandbox.call('echo', input());
    expect(sandbox.isolatesCreated).to.equal(before + 1);
  });

  it('stops an infinite loop that starts after an await', async () => {
    expect(failed(await sandbox.call('spin-async', input())).code).to.equal('timeout');
  });

  it('stops an infinite loop in a node that runs on the thread pool', async () => {
    expect(failed(await sandbox.call('spin-with-http', input()))).to.deep.equal({
      code: 'timeout',
      message: "node 'spin-with-http' exceeded the CPU limit of 250 ms",
    });
  });

  it('kills a memory bomb at the memory limit', async () => {
    expect(failed(await sandbox.call('memory-bomb', input()))).to.deep.equal({
      code: 'memory',
      message: "node 'memory-bomb' exceeded the memory limit of 64 MB",
    });
  });

  it('refuses an output above the output limit', async () => {
    const error = failed(await sandbox.call('huge-output', input()));
    expect(error.code).to.equal('output-too-large');
    expect(error.message).to.match(/exceeds the limit of 262144 bytes/);
  });

  it('counts log lines towards the output limit even when the plugin swallows the error', async () => {
    const outcome = await sandbox.call('log-flood', input());
    expect(failed(outcome).code).to.equal('output-too-large');
    expect(outcome.ok ? [] : outcome.logs.length).to.be.within(200, 256);
  });

  it('fails a run whose promise can never settle', async () => {
    expect(failed(await sandbox.call('never-settles', input()))).to.deep.equal({
      code: 'plugin-error',
      message: "node 'never-settles' returned a promise that never settled",
    });
  });

  it('never answers a call with the result of an earlier call that settles late', async () => {
    expect(failed(await sandbox.call('wait-for-next-call', input())).code).to.equal('plugin-error');
    const outcome = await sandbox.call('release-waiting', input());
    expect(outcome.ok && outcome.result.emissions).to.deep.equal([{ port: 'out', payload: 'fresh' }]);
  });

  it('refuses ctx.http.fetch from a node without http permission', async () => {
    expect(failed(await sandbox.call('fetch-without-permission', input())).message).to.equal(
      "Error: http.fetch: node 'fetch-without-permission' declares no permissions.http.hosts",
    );
  });

  it('refuses a fetch to 127.0.0.1 without an operator allow-list entry', async () => {
    const error = failed(await sandbox.call('fetch', input(null, { url: 'http://127.0.0.1:1/' })));
    expect(error).to.deep.equal({
      code: 'plugin-error',
      message: 'Error: http.fetch http://127.0.0.1:1/: 127.0.0.1: address 127.0.0.1 is in the loopback range',
    });
  });

  it('refuses a fetch to the cloud metadata address 169.254.169.254', async () => {
    const error = failed(
      await sandbox.call('fetch', input(null, { url: 'http://169.254.169.254/latest/meta-data/' })),
    );
    expect(error.message).to.contain('address 169.254.169.254 is in the linkLocal range');
  });

  it('refuses a fetch to a host name that resolves to loopback', async () => {
    const error = failed(await sandbox.call('fetch', input(null, { url: 'http://localhost:1/' })));
    expect(error.message).to.match(/localhost: address (127\.0\.0\.1|::1) is in the loopback range/);
  });

  it('refuses a fetch to a host the node did not declare', async () => {
    const error = failed(
      await sandbox.call('fetch', input(null, { url: 'https://attacker.example.test/steal' })),
    );
    expect(error.message).to.equal(
      "Error: http.fetch https://attacker.example.test/steal: host attacker.example.test is not in the node's permissions.http.hosts (127.0.0.1, 169.254.169.254, localhost, metadata.example.test)",
    );
  });
});
