// A real plugin registry for the marketplace tests: `cairn-registry` on a free port with its own
// data folder, a publisher with a registered signing key, and small signed packages built with the
// SDK exactly as `cairn-plugin build` and `pack` build them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlugin } from '@cairn/sdk/build';
import { generateSigningKey, packPlugin, signPackage } from '@cairn/sdk/package';
import { freePort, ROOT } from './cairn.js';

const REGISTRY_BIN = join(ROOT, 'registry/bin/cairn-registry.js');

async function waitUntilHealthy(url, child, output) {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the registry exited with ${child.exitCode}:\n${output.join('')}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the registry and signs a publisher up.
 * @returns its URL, the publisher's key (its public key is what a Cairn server trusts), `publish` and `stop`.
 */
export async function startRegistry(publisherName = 'acme') {
  if (!existsSync(join(ROOT, 'registry/dist/main.js')))
    throw new Error('registry/dist is missing: build the workspace first (npx tsc -b registry).');
  const work = await mkdtemp(join(tmpdir(), 'cairn-ui-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output = [];
  const child = spawn(process.execPath, ['--no-node-snapshot', REGISTRY_BIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      CAIRN_REGISTRY_PORT: String(port),
      CAIRN_REGISTRY_HOST: '127.0.0.1',
      CAIRN_REGISTRY_DATA_DIR: join(work, 'data'),
      CAIRN_REGISTRY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  await waitUntilHealthy(url, child, output);

  const call = async (path, { method = 'POST', json, body, headers = {}, token } = {}) => {
    const answer = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(json ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: json ? JSON.stringify(json) : body,
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path} → ${answer.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  /** Signs a publisher up and registers a fresh signing key for them. */
  const signUp = async (name) => {
    const password = `${name} publishing passphrase`;
    await call('/api/publishers', { json: { name, email: `dev@${name}.example`, password } });
    const { token } = await call('/api/auth/login', { json: { name, password } });
    const key = generateSigningKey();
    await call('/api/keys', { json: { publicKey: key.publicKey }, token });
    return { token, key };
  };
  const publishers = new Map([[publisherName, await signUp(publisherName)]]);
  const { token, key } = publishers.get(publisherName);

  return {
    url,
    /** The first publisher's public key: what a Cairn server trusts. */
    publicKey: key.publicKey,
    /**
     * Builds, packs, signs and publishes a plugin from its source (`export default definePlugin(…)`),
     * as the first publisher or as `publisher`, who is signed up with a key of their own when new.
     */
    async publish({ name, version, source, readme, publisher = publisherName }) {
      if (!publishers.has(publisher)) publishers.set(publisher, await signUp(publisher));
      const author = publishers.get(publisher);
      const dir = await mkdtemp(join(work, 'plugin-'));
      // The entry imports @cairn/sdk as a plugin project would; the workspace's copy answers.
      await mkdir(join(dir, 'node_modules/@cairn'), { recursive: true });
      await symlink(join(ROOT, 'sdk'), join(dir, 'node_modules/@cairn/sdk'), 'dir');
      await writeFile(join(dir, 'index.js'), source);
      const built = await buildPlugin({ entry: join(dir, 'index.js'), outDir: join(dir, 'dist') });
      const tarball = await packPlugin({
        manifest: built.manifest,
        script: built.script,
        readme,
        license: 'Apache-2.0\n',
      });
      return call(`/api/packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}`, {
        method: 'PUT',
        token: author.token,
        body: tarball,
        headers: {
          'content-type': 'application/octet-stream',
          'x-cairn-signature': signPackage(tarball, author.key.privateKey),
          'x-cairn-key-id': author.key.keyId,
        },
      });
    },
    /** Marks a published version deprecated, as its owner. */
    deprecate(name, version, message) {
      return call(`/api/packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}/deprecate`, {
        json: { message },
        token,
      });
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(work, { recursive: true, force: true });
    },
  };
}

/**
 * The source of a small plugin with one node that writes a text trait, as a publisher would write
 * it. `permissions.profile.write` declares the one profile path the node changes; `hosts` and
 * `resource` add HTTP hosts and a credentials field to what it asks for.
 */
export function textPlugin({ name, version, node, title, description, transform, hosts, resource }) {
  const http = hosts ? `http: { hosts: ${JSON.stringify(hosts)} }, ` : '';
  const auth = resource ? `, auth: Type.Optional(Resource('${resource}', { title: 'Credentials' }))` : '';
  const resources = resource ? `resources: ['${resource}'],\n  ` : '';
  return `import { defineNode, definePlugin, Resource, Type } from '@cairn/sdk';

const node = defineNode({
  id: '${node}',
  title: '${title}',
  description: '${description}',
  category: 'data',
  inputs: ['in'],
  outputs: ['out'],
  ${resources}permissions: { ${http}profile: { write: ['traits.${node}'] } },
  config: Type.Object({ suffix: Type.String({ default: '!', title: 'Suffix' })${auth} }),
  run(ctx) {
    const text = String(ctx.event.properties?.text ?? '').${transform}();
    ctx.profile.set('traits.${node}', text + ctx.config.suffix);
    return ctx.emit('out', ctx.payload);
  },
});

export default definePlugin({
  name: '${name}',
  version: '${version}',
  title: '${title}',
  description: '${description}',
  cairn: '^0.1.0',
  nodes: [node],
});
`;
}

/** The README of the Shout package. */
export const SHOUT_README = `# Shout

Upper-cases the \`text\` property of an event and keeps it in the profile trait \`shout\`.

## Settings

| field | meaning |
|---|---|
| suffix | added after the text, \`!\` by default |

See [the project site](https://example.com/shout) or [the changelog](CHANGELOG.md).
`;

/** Markdown that must not run or load anything when the console shows a README. */
export const HOSTILE_MARKDOWN = `
<script>window.readmeRan = true</script>
<img src="/missing.png" onerror="window.readmeRan = true">
![diagram](https://example.com/diagram.png)
[click me](javascript:window.readmeRan=true)
`;
