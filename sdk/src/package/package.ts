import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { create as createTar, Parser } from 'tar';
import type { PluginManifest } from '../contract.js';
import { validatePluginManifest } from '../manifest/validate.js';

/**
 * A plugin package: a gzip tar holding `package/manifest.json`, `package/plugin.js`,
 * `package/README.md`, `package/LICENSE` and optionally `package/icon.svg` or `package/icon.png`.
 * Authors sign the tarball bytes with an ed25519 key; registries and servers check the signature
 * and the sha512 integrity before trusting anything inside.
 */
export interface PluginPackage {
  manifest: PluginManifest;
  script: string;
  readme: string;
  license: string;
  icon?: { name: 'icon.svg' | 'icon.png'; data: Buffer };
}

export interface PackageLimits {
  /** Largest tarball, compressed. */
  maxPackageBytes: number;
  /** Largest content once decompressed. */
  maxUnpackedBytes: number;
}

export const DEFAULT_PACKAGE_LIMITS: PackageLimits = {
  maxPackageBytes: 5 * 1024 * 1024,
  maxUnpackedBytes: 20 * 1024 * 1024,
};

/** Why a package was refused; `code` is stable, `path` names the file or manifest field. */
export class PackageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'PackageError';
  }
}

const FILES = {
  'package/manifest.json': 'manifest',
  'package/plugin.js': 'script',
  'package/README.md': 'readme',
  'package/LICENSE': 'license',
  'package/icon.svg': 'icon',
  'package/icon.png': 'icon',
} as const;
type FileName = keyof typeof FILES;
const REQUIRED: FileName[] = [
  'package/manifest.json',
  'package/plugin.js',
  'package/README.md',
  'package/LICENSE',
];

/** `sha512-<base64>`, the Subresource Integrity form npm uses too. */
export function integrityOf(tarball: Buffer): string {
  return `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
}

/** Builds the tarball: entries sorted, fixed times and no owner, so the same files give the same bytes. */
export async function packPlugin(files: PluginPackage): Promise<Buffer> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-pack-'));
  try {
    const dir = join(root, 'package');
    await mkdir(dir);
    const entries: [string, string | Buffer][] = [
      ['manifest.json', `${JSON.stringify(files.manifest, null, 2)}\n`],
      ['plugin.js', files.script],
      ['README.md', files.readme],
      ['LICENSE', files.license],
      ...(files.icon ? [[files.icon.name, files.icon.data] as [string, Buffer]] : []),
    ];
    for (const [name, data] of entries) await writeFile(join(dir, name), data);
    const names = entries.map(([name]) => `package/${name}`).sort();
    const chunks: Buffer[] = [];
    const stream = createTar(
      { gzip: { level: 9 }, cwd: root, portable: true, mtime: new Date(0), noDirRecurse: true },
      names,
    );
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Reads and checks a package: layout, sizes and manifest. Never runs or trusts its contents. */
export async function readPluginPackage(
  tarball: Buffer,
  limits: PackageLimits = DEFAULT_PACKAGE_LIMITS,
): Promise<PluginPackage> {
  if (tarball.length > limits.maxPackageBytes) {
    throw new PackageError(
      'package_too_large',
      `The package is ${tarball.length} bytes; the limit is ${limits.maxPackageBytes}.`,
    );
  }
  let raw: Buffer;
  try {
    raw = gunzipSync(tarball, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (error) {
    const tooBig =
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ||
      /size/i.test((error as Error).message);
    throw tooBig
      ? new PackageError(
          'package_too_large',
          `The package unpacks to more than ${limits.maxUnpackedBytes} bytes.`,
        )
      : new PackageError('bad_package', 'The package is not a gzip-compressed tar file.');
  }
  const contents = new Map<FileName, Buffer>();
  const problems: PackageError[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry) => {
        const name = entry.path as FileName;
        if (entry.type !== 'File' || !(name in FILES)) {
          problems.push(
            new PackageError('bad_package', `Unexpected entry "${entry.path}" (${entry.type}).`, entry.path),
          );
          entry.resume();
          return;
        }
        if (contents.has(name))
          problems.push(new PackageError('bad_package', `"${name}" appears twice.`, name));
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => contents.set(name, Buffer.concat(chunks)));
      },
    });
    parser.on('error', (error: Error) =>
      reject(new PackageError('bad_package', `The tar archive is damaged: ${error.message}`)),
    );
    parser.on('end', resolve);
    parser.end(raw);
  });
  if (problems.length) throw problems[0];
  for (const name of REQUIRED) {
    if (!contents.has(name)) throw new PackageError('bad_package', `The package has no ${name}.`, name);
  }
  if (contents.has('package/icon.svg') && contents.has('package/icon.png')) {
    throw new PackageError('bad_package', 'The package has both icon.svg and icon.png.', 'package/icon.png');
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(contents.get('package/manifest.json')!.toString('utf8'));
  } catch {
    throw new PackageError(
      'invalid_manifest',
      'package/manifest.json is not valid JSON.',
      'package/manifest.json',
    );
  }
  const issues = validatePluginManifest(manifest);
  if (issues.length) {
    const [first] = issues;
    throw new PackageError(
      'invalid_manifest',
      `Invalid manifest: ${first!.path}: ${first!.message}`,
      first!.path,
    );
  }
  const iconName = contents.has('package/icon.svg')
    ? 'icon.svg'
    : contents.has('package/icon.png')
      ? 'icon.png'
      : undefined;
  return {
    manifest: manifest as PluginManifest,
    script: contents.get('package/plugin.js')!.toString('utf8'),
    readme: contents.get('package/README.md')!.toString('utf8'),
    license: contents.get('package/LICENSE')!.toString('utf8'),
    ...(iconName ? { icon: { name: iconName, data: contents.get(`package/${iconName}`)! } } : {}),
  };
}

export interface SigningKey {
  /** base64url of the raw 32-byte ed25519 public key: what a publisher registers and servers trust. */
  publicKey: string;
  /** PKCS#8 PEM; stays with the author. */
  privateKey: string;
  keyId: string;
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' }) as { x: string };
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyObject(publicKey: string): KeyObject {
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 32) throw new PackageError('bad_key', 'An ed25519 public key has 32 bytes (base64url).');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** The first 16 hex digits of the SHA-256 of the raw public key. */
export function keyIdOf(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex').slice(0, 16);
}

export function generateSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = rawPublicKey(publicKey).toString('base64url');
  return {
    publicKey: pub,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    keyId: keyIdOf(pub),
  };
}

/** The public key of a private key in PEM form. */
export function publicKeyOf(privateKeyPem: string): string {
  return rawPublicKey(createPublicKey(createPrivateKey(privateKeyPem))).toString('base64url');
}

/** An ed25519 signature over the tarball bytes, base64. */
export function signPackage(tarball: Buffer, privateKeyPem: string): string {
  return sign(null, tarball, createPrivateKey(privateKeyPem)).toString('base64');
}

export function verifyPackageSignature(tarball: Buffer, signature: string, publicKey: string): boolean {
  try {
    return verify(null, tarball, publicKeyObject(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
