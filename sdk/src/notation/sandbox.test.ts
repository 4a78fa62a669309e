import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { describe, it } from 'mocha';

/**
 * Loads the compiled notation module and its parser library into a bare V8 context, like a
 * plugin isolate: no Node globals, and code generation from strings (eval, new Function) turned
 * off. vm modules need a flag, so this runs in a child process.
 */
const HARNESS = `
import vm from 'node:vm';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [entryFile, probeSource] = process.argv.slice(-2);
const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
const modules = new Map();

function resolve(specifier, fromFile) {
  if (isAbsolute(specifier)) return specifier;
  if (specifier.startsWith('.')) return join(dirname(fromFile), specifier);
  for (let dir = dirname(fromFile); dir !== dirname(dir); dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', specifier);
    if (existsSync(join(packageDir, 'package.json'))) {
      const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
      return join(packageDir, manifest.exports?.['.']?.import ?? manifest.main);
    }
  }
  throw new Error('cannot resolve ' + specifier);
}

function load(file) {
  if (!modules.has(file)) {
    const source = readFileSync(file, 'utf8');
    modules.set(file, new vm.SourceTextModule(source, { context, identifier: pathToFileURL(file).href }));
  }
  return modules.get(file);
}

const probe = new vm.SourceTextModule(probeSource, { context, identifier: 'probe' });
await probe.link((specifier, referrer) =>
  load(resolve(specifier, referrer === probe ? entryFile : fileURLToPath(referrer.identifier))),
);
await probe.evaluate();
process.stdout.write(context.result);
`;

const PROBE = `
import { evaluate, parseCondition, render, renderObject, setIn } from 'ENTRY';

let evalBlocked = false;
try {
  (0, eval)('1');
} catch {
  evalBlocked = true;
}
const ctx = { profile: { traits: { age: 42, name: 'Ann' }, segments: ['vip'] }, event: { type: 'page-view' } };
let syntaxError = '';
try {
  parseCondition('(profile@traits.age > 1');
} catch (error) {
  syntaxError = error.message;
}
globalThis.result = JSON.stringify({
  hostGlobals: ['process', 'Buffer', 'require', 'setTimeout', 'setImmediate', 'fetch'].filter((name) => name in globalThis),
  evalBlocked,
  condition: evaluate(
    parseCondition('profile@traits.age >= 18 AND contains(profile@segments, "vip") AND days_since("2020-01-01") > 1'),
    ctx,
  ),
  syntaxError,
  text: render('Hi {{profile@traits.name}}', ctx),
  object: renderObject({ age: 'profile@traits.age' }, ctx),
  written: setIn(ctx.profile, 'traits.age', 43),
});
`;

describe('running inside a sandbox', () => {
  it('parses, evaluates and renders in a bare context without Node globals or eval', function () {
    this.timeout(30_000);
    const entry = fileURLToPath(new URL('./index.js', import.meta.url));
    const child = spawnSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings',
        '--input-type=module',
        '-e',
        HARNESS,
        entry,
        PROBE.replace('ENTRY', entry),
      ],
      { encoding: 'utf8' },
    );
    expect(child.stderr).to.equal('');
    expect(child.status).to.equal(0);
    expect(JSON.parse(child.stdout)).to.deep.equal({
      hostGlobals: [],
      evalBlocked: true,
      condition: true,
      syntaxError: "expected ')' but found the end of the condition at column 24",
      text: 'Hi Ann',
      object: { age: 42 },
      written: { traits: { age: 43, name: 'Ann' }, segments: ['vip'] },
    });
  });
});
