import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestDialect } from '@cairn/core/test-support/databases';
import type { PluginManifest } from '@cairn/sdk';
import {
  generateSigningKey,
  type PluginPackage,
  packPlugin,
  type SigningKey,
  signPackage,
} from '@cairn/sdk/package';
import { pino } from 'pino';
import { loadRegistryConfig } from '../config.js';
import { type RunningRegistry, startRegistry } from '../server.js';

export const TEST_ADMIN_TOKEN = 'test-registry-admin-token-0123';
export const PASSWORD = 'correct horse battery staple';

/** A publisher signed up on a test registry, with an API token and one registered key. */
export interface TestPublisher {
  name: string;
  token: string;
  key: SigningKey;
}

export interface TestRegistry extends RunningRegistry {
  dataDir: string;
  /** fetch against the registry; `json` is sent as a JSON body (POST unless a method is given). */
  request(path: string, init?: RequestInit & { json?: unknown; bearer?: string }): Promise<Response>;
  /** Signs a publisher up, creates an API token and registers a fresh signing key. */
  publisher(name: string): Promise<TestPublisher>;
  /** PUTs a tarball to `name@version`, signed by the publisher's key unless `headers` say otherwise. */
  publish(
    publisher: TestPublisher,
    name: string,
    version: string,
    tarball: Buffer,
    headers?: Record<string, string>,
  ): Promise<Response>;
  stop(): Promise<void>;
}

/** The manifest of a small, valid plugin; `overrides` replace top-level fields. */
export function manifest(
  name: string,
  version: string,
  overrides: Partial<PluginManifest> = {},
): PluginManifest {
  return {
    name,
    version,
    title: 'Review scoring',
    description: 'Scores reviews and routes them by sentiment',
    cairn: '^0.1.0',
    nodes: [
      {
        id: 'score-review',
        title: 'Score review',
        description: 'Rates a review',
        category: 'data',
        inputs: ['payload'],
        outputs: ['positive', 'negative'],
        config: { type: 'object', properties: {} },
        permissions: {},
        resources: [],
      },
    ],
    ...overrides,
  };
}

/** A package tarball built by the SDK, exactly as `cairn-plugin pack` builds it. */
export function tarballOf(
  pluginManifest: PluginManifest,
  extra: Partial<PluginPackage> = {},
): Promise<Buffer> {
  return packPlugin({
    manifest: pluginManifest,
    script: 'export default { nodes: {} };\n',
    readme: `# ${pluginManifest.title}\n\nScores reviews.\n`,
    license: 'Apache-2.0\n',
    ...extra,
  });
}

/** A real registry on a loopback port, on a fresh database and data folder. */
export async function startTestRegistry(
  dialect: TestDialect,
  env: Record<string, string> = {},
): Promise<TestRegistry> {
  const database = await dialect.create();
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-registry-data-'));
  const config = loadRegistryConfig({
    CAIRN_REGISTRY_PORT: '0',
    CAIRN_REGISTRY_HOST: '127.0.0.1',
    CAIRN_REGISTRY_DATA_DIR: dataDir,
    CAIRN_REGISTRY_DATABASE_URL: database.url,
    CAIRN_REGISTRY_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...env,
  });
  let running: RunningRegistry;
  try {
    running = await startRegistry(config, pino({ level: 'silent' }));
  } catch (error) {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const registry: TestRegistry = {
    ...running,
    dataDir,
    request(path, init = {}) {
      const { json, bearer, headers, ...rest } = init;
      const allHeaders = new Headers(headers);
      if (json !== undefined) allHeaders.set('content-type', 'application/json');
      if (bearer) allHeaders.set('authorization', `Bearer ${bearer}`);
      return fetch(`${running.url}${path}`, {
        ...rest,
        headers: allHeaders,
        ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}),
      });
    },
    async publisher(name) {
      const signUp = await registry.request('/api/publishers', {
        json: { name, email: `${name}@example.com`, password: PASSWORD },
      });
      if (signUp.status !== 201) throw new Error(`sign-up of ${name} failed: ${await signUp.text()}`);
      const login = await registry.request('/api/auth/login', { json: { name, password: PASSWORD } });
      const session = ((await login.json()) as { token: string }).token;
      const created = await registry.request('/api/tokens', { json: { name: 'tests' }, bearer: session });
      const { token } = (await created.json()) as { token: string };
      const key = generateSigningKey();
      const added = await registry.request('/api/keys', {
        json: { publicKey: key.publicKey },
        bearer: token,
      });
      if (added.status !== 201) throw new Error(`key of ${name} refused: ${await added.text()}`);
      return { name, token, key };
    },
    publish(publisher, name, version, tarball, headers = {}) {
      return registry.request(`/api/packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}`, {
        method: 'PUT',
        bearer: publisher.token,
        headers: {
          'content-type': 'application/octet-stream',
          'x-cairn-signature': signPackage(tarball, publisher.key.privateKey),
          'x-cairn-key-id': publisher.key.keyId,
          ...headers,
        },
        body: new Uint8Array(tarball),
      });
    },
    async stop() {
      await running.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return registry;
}

/** The `{error}` body of a refusal. */
export async function errorOf(response: Response): Promise<{ code: string; message: string; path?: string }> {
  return ((await response.json()) as { error: { code: string; message: string; path?: string } }).error;
}

/** Packs and publishes a valid version; fails the test when the registry refuses it. */
export async function release(
  registry: TestRegistry,
  publisher: TestPublisher,
  name: string,
  version: string,
  overrides: Partial<PluginManifest> = {},
  extra: Partial<PluginPackage> = {},
): Promise<Buffer> {
  const tarball = await tarballOf(manifest(name, version, overrides), extra);
  const response = await registry.publish(publisher, name, version, tarball);
  if (response.status !== 201)
    throw new Error(`publish of ${name}@${version} refused: ${await response.text()}`);
  return tarball;
}
