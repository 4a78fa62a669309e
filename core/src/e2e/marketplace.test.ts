import { type ChildProcess, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { freePort } from '../test-support/ports.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PLUGIN_CLI = join(ROOT, 'sdk/bin/cairn-plugin.js');
const REGISTRY_BIN = join(ROOT, 'registry/bin/cairn-registry.js');
const NAME = '@acme/plugin-shout';

function run(args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject).on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Every file under a folder, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const SHOUT_NODE = `import { definePlugin, defineNode, Type } from '@cairn/sdk';

const shout = defineNode({
  id: 'shout',
  title: 'Shout',
  description: 'Upper-cases the event text into a trait and the /track answer.',
  category: 'data',
  inputs: ['in'],
  outputs: ['out'],
  permissions: { profile: { write: ['traits'] } },
  config: Type.Object({ trait: Type.String({ default: 'shouted' }) }),
  run(ctx) {
    const text = String(ctx.event.properties?.text ?? '').toUpperCase();
    ctx.profile.set(\`traits.\${ctx.config.trait}\`, text);
    ctx.response.set('shout', text);
    return ctx.emit('out', ctx.payload);
  },
});

export default definePlugin({
  name: '${NAME}',
  version: '0.1.0',
  title: 'Shout',
  description: 'Loud nodes',
  cairn: '^0.1.0',
  nodes: [shout],
});
`;

const SHOUT_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNode } from '@cairn/sdk/testing';

test('shouts the event text', async () => {
  const result = await runNode({
    plugin: 'dist/plugin',
    node: 'shout',
    event: { id: 'e1', type: 'said', properties: { text: 'hello' } },
    config: { trait: 'shouted' },
  });
  assert.deepEqual(result.response, { shout: 'HELLO' });
});
`;

const [sqlite] = testDialects();

describe('marketplace end to end: scaffold, test, publish, install, use', function () {
  this.timeout(180_000);
  const work = mkdtempSync(join(tmpdir(), 'cairn-market-'));
  const home = join(work, 'author-home');
  const plugin = join(work, 'shout');
  const registryData = join(work, 'registry-data');
  let registry: ChildProcess;
  let registryUrl: string;
  let server: TestServer;
  let publicKey: string;
  const author = () => ({
    CAIRN_PLUGIN_HOME: home,
    CAIRN_REGISTRY_URL: registryUrl,
    CAIRN_REGISTRY_PASSWORD: 'acme publishing pass',
  });
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run([PLUGIN_CLI, ...args], plugin, { ...author(), ...env });
  const install = async (json: object) => {
    const response = await server.request('/api/plugins/install', { admin: true, json });
    return { status: response.status, body: (await response.json()) as any };
  };
  const setVersion = (version: string) =>
    writeFileSync(
      join(plugin, 'src/index.ts'),
      SHOUT_NODE.replace("version: '0.1.0'", `version: '${version}'`),
    );

  before(async () => {
    const port = await freePort();
    registryUrl = `http://127.0.0.1:${port}`;
    registry = spawn(process.execPath, ['--no-node-snapshot', REGISTRY_BIN], {
      env: {
        PATH: process.env.PATH ?? '',
        CAIRN_REGISTRY_PORT: String(port),
        CAIRN_REGISTRY_HOST: '127.0.0.1',
        CAIRN_REGISTRY_DATA_DIR: registryData,
        CAIRN_REGISTRY_LOG_LEVEL: 'warn',
      },
      stdio: 'inherit',
    });
    for (let i = 0; ; i++) {
      const ok = await fetch(`${registryUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 200) throw new Error('the registry did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const signup = await fetch(`${registryUrl}/api/publishers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'acme', email: 'dev@acme.example', password: 'acme publishing pass' }),
    });
    expect(signup.status, await signup.clone().text()).to.equal(201);
  });
  after(async () => {
    await server?.stop();
    registry?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it('an author scaffolds a plugin, implements a node and tests it in the sandbox', async () => {
    const init = await run([PLUGIN_CLI, 'init', 'shout', '--name', NAME], work, author());
    expect(init.code, init.out).to.equal(0);
    mkdirSync(join(plugin, 'node_modules/@cairn'), { recursive: true });
    symlinkSync(join(ROOT, 'sdk'), join(plugin, 'node_modules/@cairn/sdk'));
    writeFileSync(join(plugin, 'src/index.ts'), SHOUT_NODE);
    rmSync(join(plugin, 'test/greet.test.js'));
    writeFileSync(join(plugin, 'test/shout.test.js'), SHOUT_TEST);
    const test = await cli(['test']);
    expect(test.code, test.out).to.equal(0);
    expect(test.out).to.match(/pass 1/);
  });

  it('signs in, registers a signing key and publishes to the registry', async () => {
    expect((await cli(['login', '--name', 'acme'])).code).to.equal(0);
    const keygen = await cli(['keygen', '--register']);
    expect(keygen.code, keygen.out).to.equal(0);
    publicKey = /public key: (\S+)/.exec(keygen.out)![1]!;
    const publish = await cli(['publish']);
    expect(publish.code, publish.out).to.equal(0);
    expect(publish.out).to.contain(`published ${NAME}@0.1.0`);
  });

  it('an admin finds it in the marketplace, approves its permissions and installs it without a restart', async () => {
    server = await startTestServer(sqlite!, { CAIRN_REGISTRIES: registryUrl, CAIRN_TRUSTED_KEYS: publicKey });
    const search = (await (await server.request('/api/marketplace?q=shout', { admin: true })).json()) as any;
    expect(search.items.map((p: { name: string }) => p.name)).to.deep.equal([NAME]);
    const page = (await (
      await server.request(`/api/marketplace/${encodeURIComponent(NAME)}`, { admin: true })
    ).json()) as any;
    expect(page.compatible).to.equal(true);
    expect(page.permissions.nodes.map((n: { id: string }) => n.id)).to.deep.equal(['shout']);
    expect(page.permissions.profileWrites).to.deep.equal(['traits']);

    const offer = await install({ name: NAME });
    expect(offer.body.status).to.equal('approval_required');
    expect(offer.body.publisher).to.equal('acme');
    const done = await install({ name: NAME, approve: offer.body.approve });
    expect(done.status, JSON.stringify(done.body)).to.equal(201);
  });

  it('a deployed flow uses the installed node on /track', async () => {
    await server.request('/api/sources', { admin: true, json: { id: 'app', name: 'App', type: 'rest' } });
    const node = (id: string, pluginName: string, type: string, config: object) => ({
      id,
      type: 'cairn',
      position: { x: 0, y: 0 },
      data: { plugin: pluginName, version: pluginName === NAME ? '0.1.0' : '0.1.0', node: type, config },
    });
    const created = await server.request('/api/flows', {
      admin: true,
      json: {
        name: 'Loud',
        draft: {
          nodes: [
            node('start', '@cairn/plugin-logic', 'start', {}),
            node('shout', NAME, 'shout', { trait: 'loud' }),
          ],
          edges: [{ id: 'e', source: 'start', sourceHandle: 'out', target: 'shout', targetHandle: 'in' }],
        },
      },
    });
    const flow = (await created.json()) as { id: string; validation: { valid: boolean } };
    expect(flow.validation.valid).to.equal(true);
    expect(
      (await server.request(`/api/flows/${flow.id}/deploy`, { admin: true, method: 'POST' })).status,
    ).to.equal(201);
    await server.request('/api/rules', {
      admin: true,
      json: { name: 'said', eventType: 'said', flowId: flow.id },
    });
    const tracked = (await (
      await server.request('/track', {
        json: { source: { id: 'app' }, events: [{ type: 'said', properties: { text: 'hi there' } }] },
      })
    ).json()) as any;
    expect(tracked.response).to.deep.equal({ shout: 'HI THERE' });
    const profile = (await (
      await server.request(`/api/profiles/${tracked.profile.id}`, { admin: true })
    ).json()) as any;
    expect(profile.traits.loud).to.equal('HI THERE');
  });

  it('refuses a package altered in the registry’s store, and one signed by a key the server does not trust', async () => {
    setVersion('0.2.0');
    expect((await cli(['build'])).code).to.equal(0);
    const second = await cli(['publish']);
    expect(second.code, second.out).to.equal(0);
    const meta = (await (
      await fetch(`${registryUrl}/api/packages/${encodeURIComponent(NAME)}/0.2.0`)
    ).json()) as any;
    const hex = Buffer.from(meta.integrity.slice('sha512-'.length), 'base64').toString('hex');
    const stored = files(registryData).find((path) => path.endsWith(hex))!;
    const bytes = readFileSync(stored);
    bytes[bytes.length - 5]! ^= 0xff;
    writeFileSync(stored, bytes);
    const tampered = await install({ name: NAME, version: '0.2.0' });
    expect(tampered.status).to.equal(422);
    expect(tampered.body.error.code).to.equal('integrity_mismatch');

    setVersion('0.3.0');
    expect((await cli(['build'])).code).to.equal(0);
    const otherKey = join(work, 'other-key.pem');
    expect((await cli(['keygen', '--out', otherKey, '--register'])).code).to.equal(0);
    const third = await cli(['publish', '--key', otherKey]);
    expect(third.code, third.out).to.equal(0);
    const untrusted = await install({ name: NAME, version: '0.3.0' });
    expect(untrusted.status).to.equal(422);
    expect(untrusted.body.error.code).to.equal('untrusted_key');

    const loaded = (await (await server.request('/api/plugins', { admin: true })).json()) as any;
    expect(loaded.items.filter((p: any) => p.name === NAME).map((p: any) => p.version)).to.deep.equal([
      '0.1.0',
    ]);
  });
});
