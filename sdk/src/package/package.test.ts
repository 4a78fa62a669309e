import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { create as createTar } from 'tar';
import type { PluginManifest } from '../contract.js';
import {
  generateSigningKey,
  integrityOf,
  keyIdOf,
  type PackageError,
  type PluginPackage,
  packPlugin,
  publicKeyOf,
  readPluginPackage,
  signPackage,
  verifyPackageSignature,
} from './package.js';

const manifest = (): PluginManifest => ({
  name: '@acme/plugin-greeter',
  version: '1.2.0',
  title: 'Greeter',
  description: 'Says hello',
  cairn: '>=0.1.0 <1',
  nodes: [
    {
      id: 'greet',
      title: 'Greet',
      description: '',
      category: 'data',
      inputs: ['in'],
      outputs: ['out'],
      config: { type: 'object', properties: {} },
      permissions: {},
      resources: [],
    },
  ],
});

const files = (): PluginPackage => ({
  manifest: manifest(),
  script: 'var __cairnPlugin = {};',
  readme: '# Greeter\n',
  license: 'MIT',
  icon: { name: 'icon.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') },
});

/** A tarball of arbitrary entries, for packages the packer would never make. */
async function tarOf(entries: Record<string, string>, link?: [string, string]): Promise<Buffer> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-bad-pack-'));
  try {
    await mkdir(join(root, 'package'));
    for (const [name, data] of Object.entries(entries)) await writeFile(join(root, name), data);
    if (link) await symlink(link[1], join(root, link[0]));
    const chunks: Buffer[] = [];
    const names = [...Object.keys(entries), ...(link ? [link[0]] : [])];
    for await (const chunk of createTar(
      { gzip: true, cwd: root, portable: true },
      names,
    ) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const complete = () => ({
  'package/manifest.json': JSON.stringify(manifest()),
  'package/plugin.js': 'x',
  'package/README.md': 'r',
  'package/LICENSE': 'l',
});

async function refusal(
  tarball: Buffer,
  limits?: Parameters<typeof readPluginPackage>[1],
): Promise<PackageError> {
  try {
    await readPluginPackage(tarball, limits);
  } catch (error) {
    return error as PackageError;
  }
  throw new Error('the package was accepted');
}

describe('plugin packages', () => {
  it('pack and read give back the same files; equal input packs to equal bytes', async () => {
    const tarball = await packPlugin(files());
    const read = await readPluginPackage(tarball);
    expect(read.manifest).to.deep.equal(manifest());
    expect(read.script).to.equal('var __cairnPlugin = {};');
    expect(read.readme).to.equal('# Greeter\n');
    expect(read.license).to.equal('MIT');
    expect(read.icon?.name).to.equal('icon.svg');
    expect((await packPlugin(files())).equals(tarball)).to.equal(true);
    expect(integrityOf(tarball)).to.match(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });

  it('signatures verify with the signer’s public key only, and not after any byte changes', async () => {
    const tarball = await packPlugin(files());
    const key = generateSigningKey();
    const other = generateSigningKey();
    const signature = signPackage(tarball, key.privateKey);
    expect(verifyPackageSignature(tarball, signature, key.publicKey)).to.equal(true);
    expect(verifyPackageSignature(tarball, signature, other.publicKey)).to.equal(false);
    const tampered = Buffer.from(tarball);
    tampered[tampered.length - 10]! ^= 1;
    expect(verifyPackageSignature(tampered, signature, key.publicKey)).to.equal(false);
    expect(verifyPackageSignature(tarball, 'not base64 at all', key.publicKey)).to.equal(false);
    expect(verifyPackageSignature(tarball, signature, 'short')).to.equal(false);
    expect(key.keyId)
      .to.equal(keyIdOf(key.publicKey))
      .and.match(/^[0-9a-f]{16}$/);
    expect(publicKeyOf(key.privateKey)).to.equal(key.publicKey);
  });

  it('refuses a package without a required file, with an unexpected or linked entry, or two icons', async () => {
    const { 'package/LICENSE': _licence, ...noLicence } = complete();
    expect((await refusal(await tarOf(noLicence))).path).to.equal('package/LICENSE');
    const extra = await refusal(await tarOf({ ...complete(), 'package/postinstall.sh': 'rm -rf /' }));
    expect(extra.code).to.equal('bad_package');
    expect(extra.path).to.equal('package/postinstall.sh');
    const linked = await refusal(await tarOf(noLicence, ['package/LICENSE', '/etc/passwd']));
    expect(linked.code).to.equal('bad_package');
    const icons = await refusal(
      await tarOf({ ...complete(), 'package/icon.svg': '<svg/>', 'package/icon.png': 'png' }),
    );
    expect(icons.message).to.contain('both');
  });

  it('refuses an invalid manifest and names the field', async () => {
    const bad = { ...manifest(), version: 'one' };
    const error = await refusal(await tarOf({ ...complete(), 'package/manifest.json': JSON.stringify(bad) }));
    expect(error.code).to.equal('invalid_manifest');
    expect(error.path).to.equal('version');
    const notJson = await refusal(await tarOf({ ...complete(), 'package/manifest.json': '{' }));
    expect(notJson.code).to.equal('invalid_manifest');
  });

  it('refuses what is too large, packed or unpacked, and what is not a gzip tar', async () => {
    const tarball = await packPlugin(files());
    expect((await refusal(tarball, { maxPackageBytes: 100, maxUnpackedBytes: 1e6 })).code).to.equal(
      'package_too_large',
    );
    const bomb = gzipSync(Buffer.alloc(5_000_000));
    expect((await refusal(bomb, { maxPackageBytes: 1e6, maxUnpackedBytes: 1e6 })).code).to.equal(
      'package_too_large',
    );
    expect((await refusal(Buffer.from('hello'))).code).to.equal('bad_package');
  });
});
