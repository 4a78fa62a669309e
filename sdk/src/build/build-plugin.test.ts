import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import ivm from 'isolated-vm';
import { fixtureEntry } from '../fixtures/build-fixture.js';
import { buildPlugin, PluginBuildError } from './index.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/cairn-plugin.js', import.meta.url));

async function buildError(name: string): Promise<PluginBuildError> {
  const outDir = await mkdtemp(join(tmpdir(), 'cairn-broken-'));
  const error = await buildPlugin({ entry: fixtureEntry(name), outDir: join(outDir, 'out') }).catch(
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(PluginBuildError);
  expect(await readdir(outDir)).to.deep.equal([]);
  return error as PluginBuildError;
}

describe('plugin build', () => {
  let outDir: string;
  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'cairn-build-'));
  });

  it('bundles the plugin into one script a bare isolate evaluates', async () => {
    const built = await buildPlugin({ entry: fixtureEntry('scoring-plugin'), outDir });
    expect(await readFile(join(outDir, 'plugin.js'), 'utf8')).to.equal(built.script);
    expect(built.script).not.to.match(/^\s*(import|export)\s/m);
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    try {
      const context = isolate.createContextSync();
      isolate.compileScriptSync(built.script).runSync(context);
      expect(context.evalSync('__cairnPlugin.default.nodes.map((node) => node.id).join()')).to.equal(
        'threshold,reward,inspect,counter,stop,lookup',
      );
    } finally {
      isolate.dispose();
    }
  });

  it('derives manifest.json from the definitions', async () => {
    const built = await buildPlugin({ entry: fixtureEntry('scoring-plugin'), outDir });
    const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8'));
    expect(manifest).to.deep.equal(built.manifest);
    expect(manifest).to.deep.include({
      name: '@cairn/plugin-test-scoring',
      version: '1.2.3',
      title: 'Scoring',
      cairn: '^0.1.0',
    });
    expect(manifest.nodes[0]).to.deep.equal({
      id: 'threshold',
      title: 'Threshold',
      description: 'Routes the payload by comparing a profile counter with a limit',
      category: 'logic',
      inputs: ['payload'],
      outputs: ['above', 'below'],
      config: {
        type: 'object',
        required: ['counter', 'limit'],
        properties: { counter: { type: 'string' }, limit: { type: 'number', default: 10 } },
      },
      permissions: {},
      resources: [],
    });
    expect(manifest.nodes[1]).to.include({ id: 'reward', icon: 'gift' });
    expect(manifest.nodes[5].permissions).to.deep.equal({
      http: { hosts: ['127.0.0.1', 'localhost', '*.example.test'] },
    });
  });

  it('fails on duplicate node ids, malformed ports and a non-semver version, naming each field', async () => {
    const error = await buildError('broken-duplicate');
    expect(error.issues).to.deep.equal([
      { path: 'version', message: "'one' is not a semver version such as 1.2.3" },
      {
        path: 'nodes[0].outputs[0]',
        message:
          "port name 'Bad Port' must start with a lower-case letter and use only a-z, 0-9, '-' and '_'",
      },
      { path: 'nodes[1].id', message: "node id 'same' is used twice" },
      {
        path: 'nodes[1].outputs[0]',
        message:
          "port name 'Bad Port' must start with a lower-case letter and use only a-z, 0-9, '-' and '_'",
      },
    ]);
    expect(error.message).to.contain("  - nodes[1].id: node id 'same' is used twice");
  });

  it('fails when the entry exports no plugin', async () => {
    const error = await buildError('broken-no-default');
    expect(error.issues[0]?.message).to.equal(
      'the entry must `export default definePlugin({ ... })` with at least one node',
    );
  });

  it('fails when the plugin imports a Node built-in', async () => {
    const error = await buildError('broken-node-import');
    expect(error.issues).to.have.length(1);
    expect(error.issues[0]?.message).to.equal('Could not resolve "node:fs"');
    expect(error.issues[0]?.path).to.match(/broken-node-import\.js:\d+:\d+$/);
  });

  describe('cairn-plugin CLI', () => {
    it('builds a plugin and reports its nodes', async () => {
      const out = join(outDir, 'cli');
      const { stdout } = await run(process.execPath, [
        '--no-node-snapshot',
        cli,
        'build',
        fixtureEntry('scoring-plugin'),
        '--out',
        out,
      ]);
      expect(stdout).to.contain(
        'built @cairn/plugin-test-scoring@1.2.3 (threshold, reward, inspect, counter, stop, lookup)',
      );
      expect((await readdir(out)).sort()).to.deep.equal(['manifest.json', 'plugin.js']);
    });

    it('exits with status 1 and the build issues when the build fails', async () => {
      const failure = await run(process.execPath, [
        '--no-node-snapshot',
        cli,
        'build',
        fixtureEntry('broken-duplicate'),
        '--out',
        join(outDir, 'cli-broken'),
      ]).catch((error: unknown) => error as { code: number; stderr: string });
      expect(failure).to.include({ code: 1 });
      expect((failure as { stderr: string }).stderr).to.contain("version: 'one' is not a semver version");
    });
  });
});
