import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testDialects } from '@cairn/core/test-support/databases';
import { expect } from 'chai';
import {
  manifest,
  PASSWORD,
  startTestRegistry,
  type TestRegistry,
  tarballOf,
} from '../test-support/registry.js';
import type { VersionDetail } from './schemas.js';

const run = promisify(execFile);

/** The SDK's `cairn-plugin` command, as authors run it. */
const CLI = fileURLToPath(new URL('../bin/cairn-plugin.js', import.meta.resolve('@cairn/sdk')));

const [sqlite] = testDialects();

describe("the SDK's cairn-plugin command against a real registry", function () {
  this.timeout(60_000);
  let registry: TestRegistry;
  let home: string;

  const cli = (args: string[]) =>
    run(process.execPath, ['--no-node-snapshot', CLI, ...args], {
      cwd: home,
      env: {
        ...process.env,
        CAIRN_PLUGIN_HOME: join(home, '.cairn-plugin'),
        CAIRN_REGISTRY_URL: registry.url,
        CAIRN_REGISTRY_PASSWORD: PASSWORD,
      },
    });

  before(async () => {
    registry = await startTestRegistry(sqlite!);
    home = await mkdtemp(join(tmpdir(), 'cairn-registry-cli-'));
    const signUp = await registry.request('/api/publishers', {
      json: { name: 'acme', email: 'dev@acme.example', password: PASSWORD },
    });
    expect(signUp.status).to.equal(201);
  });
  after(async () => {
    await registry.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('signs in, registers a key, publishes a signed package, and reports a refusal with its code', async () => {
    await cli(['login', '--name', 'acme']);
    const keygen = await cli(['keygen', '--register']);
    const keyId = /key id:\s+([0-9a-f]{16})/.exec(keygen.stdout)?.[1];
    expect(keyId, keygen.stdout).to.be.a('string');

    const file = join(home, 'acme-greeter-1.0.0.cairn.tgz');
    await writeFile(file, await tarballOf(manifest('@acme/greeter', '1.0.0')));
    const published = await cli(['publish', file]);
    expect(published.stdout).to.contain('published @acme/greeter@1.0.0');

    const version = (await (
      await registry.request('/api/packages/%40acme%2Fgreeter/1.0.0')
    ).json()) as VersionDetail;
    expect(version).to.include({ keyId, publisher: 'acme' });

    const again = await cli(['publish', file]).then(
      () => expect.fail('a second publish of 1.0.0 must be refused'),
      (error: { code: number; stderr: string }) => error,
    );
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('version_exists');
  });
});
