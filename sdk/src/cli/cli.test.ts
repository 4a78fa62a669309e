import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { keyIdOf, readPluginPackage } from '../package/package.js';

const BIN = fileURLToPath(new URL('../../bin/cairn-plugin.js', import.meta.url));
const SDK = fileURLToPath(new URL('../../', import.meta.url));

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject).on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('cairn-plugin CLI', function () {
  this.timeout(60_000);
  const root = mkdtempSync(join(tmpdir(), 'cairn-plugin-cli-'));
  const dir = join(root, 'greeter');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('init scaffolds a plugin whose own test passes in the real sandbox', async () => {
    const init = await cli(['init', 'greeter', '--name', '@acme/plugin-greeter'], root);
    expect(init.code, init.stderr).to.equal(0);
    // The scaffold depends on @cairn/sdk; here it is this checkout.
    mkdirSync(join(dir, 'node_modules/@cairn'), { recursive: true });
    symlinkSync(SDK, join(dir, 'node_modules/@cairn/sdk'));
    const test = await cli(['test'], dir);
    expect(test.code, test.stdout + test.stderr).to.equal(0);
    expect(test.stdout).to.contain('built @acme/plugin-greeter@0.1.0 (greet)');
    expect(test.stdout).to.match(/pass 1/);
  });

  it('refuses to scaffold into a folder that is not empty, or with a bad name', async () => {
    expect((await cli(['init', 'greeter', '--name', '@acme/other'], root)).code).to.equal(1);
    const bad = await cli(['init', 'x', '--name', 'Not A Name'], root);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('not a valid package name');
  });

  it('pack writes a package that reads back with its manifest, README and licence', async () => {
    const packed = await cli(['pack'], dir);
    expect(packed.code, packed.stderr).to.equal(0);
    const file = join(dir, 'acme-plugin-greeter-0.1.0.cairn.tgz');
    const read = await readPluginPackage(readFileSync(file));
    expect(read.manifest.name).to.equal('@acme/plugin-greeter');
    expect(read.manifest.nodes.map((n) => n.id)).to.deep.equal(['greet']);
    expect(read.readme).to.contain('# @acme/plugin-greeter');
    expect(read.license).to.contain('MIT License');
  });

  it('build fails with a clear message when the manifest is invalid', async () => {
    const source = readFileSync(join(dir, 'src/index.ts'), 'utf8');
    writeFileSync(join(dir, 'src/index.ts'), source.replace("version: '0.1.0'", "version: 'one'"));
    try {
      const build = await cli(['build'], dir);
      expect(build.code).to.equal(1);
      expect(build.stderr).to.contain('version');
    } finally {
      writeFileSync(join(dir, 'src/index.ts'), source);
    }
  });

  it('keygen writes a private key only its owner can read and prints the public key', async () => {
    const home = join(root, 'home');
    const keygen = await cli(['keygen'], dir, { CAIRN_PLUGIN_HOME: home });
    expect(keygen.code, keygen.stderr).to.equal(0);
    const keyFile = join(home, 'signing-key.pem');
    expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    expect(readFileSync(keyFile, 'utf8')).to.contain('PRIVATE KEY');
    const publicKey = /public key: (\S+)/.exec(keygen.stdout)![1]!;
    expect(keygen.stdout).to.contain(`key id:     ${keyIdOf(publicKey)}`);
    const again = await cli(['keygen'], dir, { CAIRN_PLUGIN_HOME: home });
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain('--force');
  });

  it('publish without signing in says what to do', async () => {
    const publish = await cli(['publish', '--registry', 'http://127.0.0.1:9'], dir, {
      CAIRN_PLUGIN_HOME: join(root, 'nobody'),
    });
    expect(publish.code).to.equal(2);
    expect(publish.stderr).to.contain('cairn-plugin login');
  });
});
