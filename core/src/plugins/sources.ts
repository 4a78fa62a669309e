import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readPluginPackage } from '@cairn/sdk/package';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import semver from 'semver';
import { ApiError } from '../http/errors.js';

/** A package as a source hands it over: the bytes and the author's signature, nothing trusted yet. */
export interface FetchedPackage {
  tarball: Buffer;
  signature: string;
  keyId: string;
  /** The integrity the source recorded when the package was published, if it keeps one. */
  integrity?: string;
  publisher?: string;
  source: string;
}

export interface PackageSource {
  readonly id: string;
  fetch(name: string, version: string): Promise<FetchedPackage | null>;
  /** The newest installable version, when the source can tell. */
  latest(name: string): Promise<string | null>;
}

const MAX_PACKAGE_BYTES = 5 * 1024 * 1024;

/** What a registry says of a version; nothing else of its answer is used. */
const VersionRecordSchema = Type.Object({
  integrity: Type.String({ pattern: '^sha512-[A-Za-z0-9+/]+={0,2}$' }),
  signature: Type.String({ minLength: 1, maxLength: 512 }),
  keyId: Type.String({ pattern: '^[0-9a-f]{16}$' }),
  publisher: Type.String({ minLength: 1, maxLength: 191 }),
});
const TIMEOUT_MS = 15_000;

async function readCapped(response: Response, url: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_PACKAGE_BYTES)
    throw new ApiError(502, 'package_too_large', `${url} is larger than 5 MB.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_PACKAGE_BYTES) throw new ApiError(502, 'package_too_large', `${url} is larger than 5 MB.`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** A Cairn plugin registry over HTTP. */
export class RegistrySource implements PackageSource {
  constructor(readonly id: string) {}

  private async get(path: string): Promise<Response | null> {
    const url = `${this.id}${path}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    } catch (error) {
      throw new ApiError(
        502,
        'registry_unreachable',
        `The registry ${this.id} did not answer: ${(error as Error).message}`,
      );
    }
    if (response.status === 404) return null;
    if (!response.ok)
      throw new ApiError(
        502,
        'registry_error',
        `The registry ${this.id} answered ${response.status} for ${path}.`,
      );
    return response;
  }

  async json<T>(path: string): Promise<T | null> {
    const response = await this.get(path);
    return response ? ((await response.json()) as T) : null;
  }

  async fetch(name: string, version: string): Promise<FetchedPackage | null> {
    const base = `/api/packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;
    const meta = await this.json<unknown>(base);
    if (meta === null) return null;
    if (!Value.Check(VersionRecordSchema, meta)) {
      throw new ApiError(
        502,
        'registry_error',
        `The registry ${this.id} answered an invalid record for ${name}@${version}.`,
      );
    }
    const response = await this.get(`${base}/tarball`);
    if (!response) return null;
    return {
      tarball: await readCapped(response, `${this.id}${base}/tarball`),
      signature: meta.signature,
      keyId: meta.keyId,
      integrity: meta.integrity,
      publisher: meta.publisher,
      source: this.id,
    };
  }

  async latest(name: string): Promise<string | null> {
    const page = await this.json<{ latest?: unknown }>(`/api/packages/${encodeURIComponent(name)}`);
    return typeof page?.latest === 'string' && semver.valid(page.latest) ? page.latest : null;
  }
}

/**
 * A folder of package files: `<anything>.cairn.tgz` with `<same>.cairn.tgz.sig` beside it holding
 * `{"signature": "…", "keyId": "…"}`. Used to install without a registry (and for the plugins that
 * ship with Cairn), with the same checks.
 */
export class DirectorySource implements PackageSource {
  readonly id: string;
  private readonly read = new Map<
    string,
    { mtimeMs: number; size: number; name: string | null; version: string | null }
  >();
  constructor(private readonly dir: string) {
    this.id = `local:${dir}`;
  }

  private async entries(): Promise<{ file: string; name: string; version: string }[]> {
    let files: string[];
    try {
      files = (await readdir(this.dir)).filter((f) => f.endsWith('.cairn.tgz'));
    } catch {
      return [];
    }
    const found = [];
    for (const file of files) {
      // A file is unpacked once; again only when it changes on disk.
      const { mtimeMs, size } = await stat(join(this.dir, file));
      let known = this.read.get(file);
      if (!known || known.mtimeMs !== mtimeMs || known.size !== size) {
        known = { mtimeMs, size, name: null, version: null };
        try {
          const { manifest } = await readPluginPackage(await readFile(join(this.dir, file)));
          known = { mtimeMs, size, name: manifest.name, version: manifest.version };
        } catch {
          // A broken file is not offered; installing it by name fails as "not found".
        }
        this.read.set(file, known);
      }
      if (known.name !== null && known.version !== null)
        found.push({ file, name: known.name, version: known.version });
    }
    return found;
  }

  async fetch(name: string, version: string): Promise<FetchedPackage | null> {
    const entry = (await this.entries()).find((e) => e.name === name && e.version === version);
    if (!entry) return null;
    const path = join(this.dir, entry.file);
    let sig: { signature?: unknown; keyId?: unknown };
    try {
      sig = JSON.parse(await readFile(`${path}.sig`, 'utf8')) as typeof sig;
    } catch {
      throw new ApiError(
        422,
        'unsigned',
        `${entry.file} has no readable signature file (${entry.file}.sig).`,
      );
    }
    if (typeof sig.signature !== 'string' || typeof sig.keyId !== 'string') {
      throw new ApiError(422, 'unsigned', `${entry.file}.sig must hold {"signature", "keyId"}.`);
    }
    return { tarball: await readFile(path), signature: sig.signature, keyId: sig.keyId, source: this.id };
  }

  async latest(name: string): Promise<string | null> {
    const versions = (await this.entries()).filter((e) => e.name === name).map((e) => e.version);
    return semver.rsort(versions)[0] ?? null;
  }
}
