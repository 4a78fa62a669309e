import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PluginManifest } from '@cairn/sdk';
import { generateSigningKey, type PluginPackage, packPlugin, signPackage } from '@cairn/sdk/package';
import { loadBuiltPlugin } from '@cairn/sdk/sandbox';
import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const LOGIC = '@cairn/plugin-logic';

/** The logic plugin that ships with Cairn, as a package file, the way the build packs it. */
async function logicPackage(change: (manifest: PluginManifest) => void = () => {}): Promise<PluginPackage> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve(`${LOGIC}/package.json`));
  const built = await loadBuiltPlugin(join(root, 'dist/plugin'));
  const manifest = structuredClone(built.manifest);
  change(manifest);
  return {
    manifest,
    script: built.script,
    readme: readFileSync(join(root, 'README.md'), 'utf8'),
    license: 'Apache-2.0',
  };
}

const node = (id: string, type: string, config: object) => ({
  id,
  type: 'cairn',
  position: { x: 0, y: 0 },
  data: { plugin: LOGIC, version: '0.1.0', node: type, config },
});

for (const dialect of testDialects()) {
  describe(`installing plugins from signed packages on ${dialect.name}`, function () {
    this.timeout(60_000);
    const folder = mkdtempSync(join(tmpdir(), 'cairn-packages-'));
    const author = generateSigningKey();
    const stranger = generateSigningKey();
    let server: TestServer;

    async function place(file: string, pkg: PluginPackage, key = author, tamper = false) {
      const signed = await packPlugin(pkg);
      const signature = signPackage(signed, key.privateKey);
      // A swapped file: other code under the signature of the original.
      const tarball = tamper ? await packPlugin({ ...pkg, script: `${pkg.script}\n/* changed */` }) : signed;
      writeFileSync(join(folder, file), tarball);
      writeFileSync(join(folder, `${file}.sig`), JSON.stringify({ signature, keyId: key.keyId }));
    }

    const install = async (json: object) => {
      const response = await server.request('/api/plugins/install', { admin: true, json });
      return { status: response.status, body: (await response.json()) as any };
    };

    before(async () => {
      await place('logic.cairn.tgz', await logicPackage());
      server = await startTestServer(dialect, {
        CAIRN_BUILTIN_PLUGINS: 'none',
        CAIRN_PLUGIN_PACKAGES: folder,
        CAIRN_TRUSTED_KEYS: author.publicKey,
      });
      await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
    });
    after(async () => {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('shows the permissions to approve first, installs nothing until approved', async () => {
      const first = await install({ name: LOGIC });
      expect(first.status).to.equal(200);
      expect(first.body.status).to.equal('approval_required');
      expect(first.body.version).to.equal('0.1.0');
      expect(first.body.keyId).to.equal(author.keyId);
      expect(first.body.integrity).to.match(/^sha512-/);
      expect(first.body.permissions.capabilities).to.deep.equal([]);
      expect(first.body.permissions.profileWrites).to.deep.equal(['*', 'segments']);
      expect(first.body.permissions.nodes.map((n: { id: string }) => n.id)).to.include('if');
      const plugins = await (await server.request('/api/plugins', { admin: true })).json();
      expect((plugins as any).items).to.deep.equal([]);
      const wrong = await install({ name: LOGIC, approve: '0'.repeat(64) });
      expect(wrong.status).to.equal(409);
      expect(wrong.body.error.code).to.equal('approval_mismatch');
    });

    it('installs on approval without a restart: a deployed flow uses it at once', async () => {
      const { body: offer } = await install({ name: LOGIC });
      const done = await install({ name: LOGIC, version: '0.1.0', approve: offer.approve });
      expect(done.status).to.equal(201);
      expect(done.body.status).to.equal('installed');
      expect(done.body.approvedBy).to.equal('admin-token');

      const listed = (await (await server.request('/api/plugins', { admin: true })).json()) as any;
      expect(listed.items.map((p: any) => [p.name, p.origin, p.approved])).to.deep.equal([
        [LOGIC, 'installed', true],
      ]);

      const flow = await server.request('/api/flows', {
        admin: true,
        json: {
          name: 'Greeter',
          draft: {
            nodes: [
              node('start', 'start', {}),
              node('hello', 'set-response', { key: 'hello', value: 'from an installed plugin' }),
            ],
            edges: [{ id: 'e', source: 'start', sourceHandle: 'out', target: 'hello', targetHandle: 'in' }],
          },
        },
      });
      const { id: flowId } = (await flow.json()) as { id: string };
      expect(
        (await server.request(`/api/flows/${flowId}/deploy`, { admin: true, method: 'POST' })).status,
      ).to.equal(201);
      await server.request('/api/rules', { admin: true, json: { name: 'all', eventType: 'visit', flowId } });
      const tracked = await server.request('/track', {
        json: { source: { id: 'web' }, events: [{ type: 'visit' }] },
      });
      expect(((await tracked.json()) as any).response).to.deep.equal({ hello: 'from an installed plugin' });

      const audit = (await (
        await server.request('/api/audit?objectType=plugin', { admin: true })
      ).json()) as any;
      expect(audit.items.map((e: any) => [e.action, e.objectId])).to.deep.equal([
        ['install', `${LOGIC}@0.1.0`],
      ]);

      const again = await install({ name: LOGIC, version: '0.1.0' });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('already_installed');
    });

    it('refuses to uninstall a plugin a deployed flow uses, and names the flow', async () => {
      const response = await server.request(`/api/plugins/${encodeURIComponent(LOGIC)}/0.1.0`, {
        admin: true,
        method: 'DELETE',
      });
      expect(response.status).to.equal(409);
      const body = (await response.json()) as any;
      expect(body.error.code).to.equal('plugin_in_use');
      expect(body.error.message).to.contain('Greeter (v1)');
    });

    it('refuses a tampered, an unsigned, an untrusted and an incompatible package, saying which check failed', async () => {
      const version = (v: string) => (m: PluginManifest) => {
        m.version = v;
      };
      await place('tampered.cairn.tgz', await logicPackage(version('0.2.0')), author, true);
      await place('stranger.cairn.tgz', await logicPackage(version('0.3.0')), stranger);
      await place(
        'future.cairn.tgz',
        await logicPackage((m) => {
          m.version = '0.4.0';
          m.cairn = '^9.0.0';
        }),
      );
      await place('unsigned.cairn.tgz', await logicPackage(version('0.5.0')));
      rmSync(join(folder, 'unsigned.cairn.tgz.sig'));

      const tampered = await install({ name: LOGIC, version: '0.2.0' });
      expect(tampered.status).to.equal(422);
      expect(tampered.body.error.code).to.equal('bad_signature');
      expect((await install({ name: LOGIC, version: '0.3.0' })).body.error.code).to.equal('untrusted_key');
      const future = await install({ name: LOGIC, version: '0.4.0' });
      expect(future.body.error.code).to.equal('incompatible');
      expect(future.body.error.message).to.contain('^9.0.0');
      expect((await install({ name: LOGIC, version: '0.5.0' })).body.error.code).to.equal('unsigned');
      const listed = (await (await server.request('/api/plugins', { admin: true })).json()) as any;
      expect(listed.items.map((p: any) => p.version)).to.deep.equal(['0.1.0']);
    });

    it('loads installed plugins again after a restart, but not once their key is no longer trusted', async () => {
      await server.restart();
      const tracked = await server.request('/track', {
        json: { source: { id: 'web' }, events: [{ type: 'visit' }] },
      });
      expect(((await tracked.json()) as any).response).to.deep.equal({ hello: 'from an installed plugin' });
      await server.restart({ CAIRN_TRUSTED_KEYS: stranger.publicKey });
      const listed = (await (await server.request('/api/plugins', { admin: true })).json()) as any;
      expect(listed.items).to.deep.equal([]);
      await server.restart();
    });

    it('needs plugins:manage: a marketer may look but not install', async () => {
      await server.request('/api/users', {
        admin: true,
        json: {
          email: 'mk@example.com',
          name: 'Mk',
          roles: ['marketer'],
          password: 'a long enough password',
        },
      });
      const token = await server.login('mk@example.com', 'a long enough password');
      expect((await server.request('/api/plugins/installed', { bearer: token })).status).to.equal(200);
      const refused = await server.request('/api/plugins/install', { bearer: token, json: { name: LOGIC } });
      expect(refused.status).to.equal(403);
    });
  });
}
