import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDialects } from '@cairn/core/test-support/databases';
import type { PluginManifest } from '@cairn/sdk';
import { integrityOf, signPackage } from '@cairn/sdk/package';
import { expect } from 'chai';
import { create as createTar } from 'tar';
import {
  errorOf,
  manifest,
  release,
  startTestRegistry,
  type TestPublisher,
  type TestRegistry,
  tarballOf,
} from '../test-support/registry.js';

/** A gzip tar of the given files (paths under `package/`), for layouts the SDK would never pack. */
async function handMadeTarball(files: Record<string, string>): Promise<Buffer> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-registry-tar-'));
  try {
    await mkdir(join(root, 'package'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
    const chunks: Buffer[] = [];
    const stream = createTar({ gzip: true, cwd: root, portable: true }, Object.keys(files));
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';

for (const dialect of testDialects()) {
  describe(`publishing a package (${dialect.name})`, function () {
    this.timeout(60_000);
    let registry: TestRegistry;
    let acme: TestPublisher;
    let globex: TestPublisher;

    before(async () => {
      registry = await startTestRegistry(dialect);
      acme = await registry.publisher('acme');
      globex = await registry.publisher('globex');
    });
    after(() => registry.stop());

    it('stores the signed tarball by its sha512 and records integrity, signature, key and contents', async () => {
      const tarball = await tarballOf(manifest('@acme/reviews', '1.0.0'), {
        icon: { name: 'icon.svg', data: Buffer.from(SVG) },
      });
      const response = await registry.publish(acme, '@acme/reviews', '1.0.0', tarball);
      expect(response.status, await response.clone().text()).to.equal(201);
      const published = (await response.json()) as { integrity: string; size: number; latest: string };
      expect(published).to.include({
        integrity: integrityOf(tarball),
        size: tarball.length,
        latest: '1.0.0',
      });

      const hex = Buffer.from(integrityOf(tarball).slice('sha512-'.length), 'base64').toString('hex');
      const stored = await readFile(join(registry.dataDir, 'store', 'sha512', hex.slice(0, 2), hex));
      expect(stored.equals(tarball)).to.equal(true);

      const version = (await (
        await registry.request('/api/packages/%40acme%2Freviews/1.0.0')
      ).json()) as Record<string, unknown>;
      expect(version).to.include({
        name: '@acme/reviews',
        version: '1.0.0',
        integrity: integrityOf(tarball),
        size: tarball.length,
        signature: signPackage(tarball, acme.key.privateKey),
        keyId: acme.key.keyId,
        publicKey: acme.key.publicKey,
        publisher: 'acme',
        cairn: '^0.1.0',
        license: 'Apache-2.0\n',
        yanked: false,
        deprecated: null,
        icon: '/api/packages/%40acme%2Freviews/1.0.0/icon',
      });
      expect(version.manifest).to.deep.equal(manifest('@acme/reviews', '1.0.0'));
      expect(version.readme).to.contain('# Review scoring');

      const icon = await registry.request('/api/packages/%40acme%2Freviews/1.0.0/icon');
      expect(icon.status).to.equal(200);
      expect(icon.headers.get('content-type')).to.equal('image/svg+xml');
      expect(icon.headers.get('content-security-policy')).to.contain('sandbox');
      expect(await icon.text()).to.equal(SVG);
    });

    it('refuses a publish without a valid publisher token', async () => {
      const tarball = await tarballOf(manifest('@acme/anonymous', '1.0.0'));
      for (const bearer of [undefined, 'crt_not-a-token']) {
        const response = await registry.request('/api/packages/%40acme%2Fanonymous/1.0.0', {
          method: 'PUT',
          ...(bearer ? { bearer } : {}),
          headers: { 'content-type': 'application/octet-stream' },
          body: new Uint8Array(tarball),
        });
        expect(response.status).to.equal(401);
        expect((await errorOf(response)).code).to.equal('unauthorized');
      }
    });

    it('never overwrites a version, not even after it is yanked (version_exists)', async () => {
      await release(registry, acme, '@acme/stable', '1.0.0');
      const again = await tarballOf(manifest('@acme/stable', '1.0.0', { description: 'different bytes' }));
      const response = await registry.publish(acme, '@acme/stable', '1.0.0', again);
      expect(response.status).to.equal(409);
      expect(await errorOf(response)).to.include({ code: 'version_exists', path: 'version' });

      const yank = await registry.request('/api/packages/%40acme%2Fstable/1.0.0/yank', {
        json: {},
        bearer: acme.token,
      });
      expect(yank.status).to.equal(200);
      const afterYank = await registry.publish(acme, '@acme/stable', '1.0.0', again);
      expect(afterYank.status).to.equal(409);
      expect((await errorOf(afterYank)).code).to.equal('version_exists');
    });

    it('refuses a signature that does not verify (invalid_signature)', async () => {
      const tarball = await tarballOf(manifest('@acme/forged', '1.0.0'));
      const otherBytes = await tarballOf(manifest('@acme/forged', '1.0.1'));
      const response = await registry.publish(acme, '@acme/forged', '1.0.0', tarball, {
        'x-cairn-signature': signPackage(otherBytes, acme.key.privateKey),
      });
      expect(response.status).to.equal(422);
      expect(await errorOf(response)).to.include({ code: 'invalid_signature', path: 'X-Cairn-Signature' });
    });

    it('refuses a tarball changed after it was signed (invalid_signature)', async () => {
      const signed = await tarballOf(manifest('@acme/tampered', '1.0.0'));
      const signature = signPackage(signed, acme.key.privateKey);
      const tampered = await tarballOf(manifest('@acme/tampered', '1.0.0'), {
        script: 'export default { nodes: {} }; globalThis.steal = true;\n',
      });
      const response = await registry.publish(acme, '@acme/tampered', '1.0.0', tampered, {
        'x-cairn-signature': signature,
      });
      expect(response.status).to.equal(422);
      expect((await errorOf(response)).code).to.equal('invalid_signature');
      const missing = await registry.request('/api/packages/%40acme%2Ftampered');
      expect(missing.status).to.equal(404);
    });

    it("refuses a key of another publisher, even with that key's valid signature (unknown_key)", async () => {
      const tarball = await tarballOf(manifest('@acme/borrowed', '1.0.0'));
      const response = await registry.publish(acme, '@acme/borrowed', '1.0.0', tarball, {
        'x-cairn-signature': signPackage(tarball, globex.key.privateKey),
        'x-cairn-key-id': globex.key.keyId,
      });
      expect(response.status).to.equal(403);
      expect(await errorOf(response)).to.include({ code: 'unknown_key', path: 'X-Cairn-Key-Id' });
    });

    it('refuses a revoked key; versions it signed keep their signature and key', async () => {
      const initech = await registry.publisher('initech');
      const first = await release(registry, initech, '@initech/tps', '1.0.0');
      const revoke = await registry.request(`/api/keys/${initech.key.keyId}`, {
        method: 'DELETE',
        bearer: initech.token,
      });
      expect(revoke.status).to.equal(204);

      const next = await tarballOf(manifest('@initech/tps', '1.1.0'));
      const response = await registry.publish(initech, '@initech/tps', '1.1.0', next);
      expect(response.status).to.equal(403);
      expect((await errorOf(response)).code).to.equal('key_revoked');

      const old = (await (await registry.request('/api/packages/%40initech%2Ftps/1.0.0')).json()) as Record<
        string,
        unknown
      >;
      expect(old).to.include({
        keyId: initech.key.keyId,
        publicKey: initech.key.publicKey,
        signature: signPackage(first, initech.key.privateKey),
      });
    });

    it('refuses a manifest that names another package or version (manifest_mismatch)', async () => {
      const otherName = await tarballOf(manifest('@acme/other', '1.0.0'));
      const byName = await registry.publish(acme, '@acme/mismatch', '1.0.0', otherName);
      expect(byName.status).to.equal(422);
      expect(await errorOf(byName)).to.include({ code: 'manifest_mismatch', path: 'name' });

      const otherVersion = await tarballOf(manifest('@acme/mismatch', '2.0.0'));
      const byVersion = await registry.publish(acme, '@acme/mismatch', '1.0.0', otherVersion);
      expect(byVersion.status).to.equal(422);
      expect(await errorOf(byVersion)).to.include({ code: 'manifest_mismatch', path: 'version' });
    });

    it('refuses an invalid manifest, naming the field at fault (invalid_manifest)', async () => {
      const bad = manifest('@acme/bad-manifest', '1.0.0');
      bad.nodes[0]!.id = 'Score Review';
      const response = await registry.publish(acme, '@acme/bad-manifest', '1.0.0', await tarballOf(bad));
      expect(response.status).to.equal(422);
      expect(await errorOf(response)).to.include({ code: 'invalid_manifest', path: 'nodes[0].id' });

      const missing = { ...manifest('@acme/bad-manifest', '1.0.0') } as Partial<PluginManifest>;
      delete missing.cairn;
      const noRange = await registry.publish(
        acme,
        '@acme/bad-manifest',
        '1.0.0',
        await tarballOf(missing as PluginManifest),
      );
      expect(noRange.status).to.equal(422);
      expect(await errorOf(noRange)).to.include({ code: 'invalid_manifest', path: 'cairn' });
    });

    it('refuses what is not a plugin package (bad_package), naming the missing file', async () => {
      const notGzip = await registry.publish(acme, '@acme/junk', '1.0.0', Buffer.from('just some bytes'));
      expect(notGzip.status).to.equal(422);
      expect((await errorOf(notGzip)).code).to.equal('bad_package');

      const noReadme = await handMadeTarball({
        'package/manifest.json': JSON.stringify(manifest('@acme/junk', '1.0.0')),
        'package/plugin.js': 'export default {};',
        'package/LICENSE': 'MIT',
      });
      const response = await registry.publish(acme, '@acme/junk', '1.0.0', noReadme);
      expect(response.status).to.equal(422);
      expect(await errorOf(response)).to.include({ code: 'bad_package', path: 'package/README.md' });
    });

    it('refuses a name or version in the URL that is not valid (invalid_name, invalid_version)', async () => {
      const tarball = await tarballOf(manifest('@acme/versions', '1.0.0'));
      const name = await registry.publish(acme, '@acme/Upper Case', '1.0.0', tarball);
      expect(name.status).to.equal(422);
      expect(await errorOf(name)).to.include({ code: 'invalid_name', path: 'name' });
      for (const version of ['1.0', 'v1.0.0', '1.0.0+build.5', '1.0.0-RC.1']) {
        const response = await registry.publish(acme, '@acme/versions', version, tarball);
        expect(response.status, version).to.equal(422);
        expect(await errorOf(response), version).to.include({ code: 'invalid_version', path: 'version' });
      }
    });

    it('refuses a publish without the signature headers (signature_missing)', async () => {
      const tarball = await tarballOf(manifest('@acme/unsigned', '1.0.0'));
      const noSignature = await registry.publish(acme, '@acme/unsigned', '1.0.0', tarball, {
        'x-cairn-signature': '',
      });
      expect(noSignature.status).to.equal(422);
      expect(await errorOf(noSignature)).to.include({ code: 'signature_missing', path: 'X-Cairn-Signature' });
      const noKey = await registry.publish(acme, '@acme/unsigned', '1.0.0', tarball, {
        'x-cairn-key-id': '',
      });
      expect(await errorOf(noKey)).to.include({ code: 'signature_missing', path: 'X-Cairn-Key-Id' });
    });

    it("refuses someone else's scope (scope_not_owned) and someone else's package (name_taken)", async () => {
      const intruder = await tarballOf(manifest('@acme/hijack', '1.0.0'));
      const scope = await registry.publish(globex, '@acme/hijack', '1.0.0', intruder);
      expect(scope.status).to.equal(403);
      expect(await errorOf(scope)).to.include({ code: 'scope_not_owned', path: 'name' });

      await release(registry, acme, 'review-tools', '1.0.0');
      const taken = await registry.publish(
        globex,
        'review-tools',
        '1.1.0',
        await tarballOf(manifest('review-tools', '1.1.0')),
      );
      expect(taken.status).to.equal(403);
      const error = await errorOf(taken);
      expect(error.code).to.equal('name_taken');
      expect(error.message).to.contain('acme');

      await release(registry, acme, 'review-tools', '1.1.0');
    });

    it('lets exactly one of several racing publishes of one version win', async () => {
      const attempts = await Promise.all(
        [1, 2, 3, 4].map(async (n) => {
          const tarball = await tarballOf(manifest('@acme/raced', '1.0.0', { description: `attempt ${n}` }));
          return registry.publish(acme, '@acme/raced', '1.0.0', tarball);
        }),
      );
      const statuses = attempts.map((response) => response.status).sort();
      expect(statuses).to.deep.equal([201, 409, 409, 409]);
      const page = (await (await registry.request('/api/packages/%40acme%2Fraced')).json()) as {
        versions: unknown[];
      };
      expect(page.versions).to.have.length(1);
    });

    it('gives an unscoped name to one of two publishers claiming it at once', async () => {
      const claims = await Promise.all(
        [acme, globex].map(async (publisher) =>
          registry.publish(publisher, 'contested', '1.0.0', await tarballOf(manifest('contested', '1.0.0'))),
        ),
      );
      const statuses = claims.map((response) => response.status).sort();
      expect(statuses).to.deep.equal([201, 403]);
      const loser = claims.find((response) => response.status === 403)!;
      expect((await errorOf(loser)).code).to.equal('name_taken');
    });

    it('refuses a body that is not sent as a tarball (unsupported_media_type)', async () => {
      const tarball = await tarballOf(manifest('@acme/typed', '1.0.0'));
      const response = await registry.publish(acme, '@acme/typed', '1.0.0', tarball, {
        'content-type': 'application/json',
      });
      expect(response.status).to.equal(415);
      expect((await errorOf(response)).code).to.equal('unsupported_media_type');
    });
  });

  describe(`package size limits (${dialect.name})`, function () {
    this.timeout(60_000);
    let registry: TestRegistry;
    let acme: TestPublisher;

    before(async () => {
      registry = await startTestRegistry(dialect, {
        CAIRN_REGISTRY_MAX_PACKAGE: '4kb',
        CAIRN_REGISTRY_MAX_UNPACKED: '16kb',
      });
      acme = await registry.publisher('acme');
    });
    after(() => registry.stop());

    it('refuses a tarball over CAIRN_REGISTRY_MAX_PACKAGE (package_too_large)', async () => {
      const tarball = await tarballOf(manifest('@acme/big', '1.0.0'), {
        readme: randomBytes(6 * 1024).toString('base64'),
      });
      expect(tarball.length).to.be.above(4096);
      const response = await registry.publish(acme, '@acme/big', '1.0.0', tarball);
      expect(response.status).to.equal(413);
      expect((await errorOf(response)).code).to.equal('package_too_large');
    });

    it('answers 413, not a broken connection, to an upload far over the limit', async () => {
      const response = await registry.publish(acme, '@acme/huge', '1.0.0', randomBytes(4 * 1024 * 1024));
      expect(response.status).to.equal(413);
      expect((await errorOf(response)).code).to.equal('package_too_large');
    });

    it('refuses a small tarball that unpacks to more than CAIRN_REGISTRY_MAX_UNPACKED', async () => {
      const tarball = await tarballOf(manifest('@acme/bomb', '1.0.0'), { readme: 'a'.repeat(64 * 1024) });
      expect(tarball.length).to.be.below(4096);
      const response = await registry.publish(acme, '@acme/bomb', '1.0.0', tarball);
      expect(response.status).to.equal(413);
      expect((await errorOf(response)).code).to.equal('package_too_large');
    });

    it('still takes a package within the limits', async () => {
      await release(registry, acme, '@acme/small', '1.0.0');
    });
  });
}
