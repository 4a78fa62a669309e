// `npm test` in ui: builds what the browser tests need (the server with `tsc -b`, the console with
// Vite), then runs them with node's test runner against Debian's Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, ROOT, UI_DIR } from './support/cairn.js';

function step(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing; install Debian's Chromium with: apt-get install -y chromium`);
  process.exit(1);
}
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The server, the registry the marketplace tests publish to, and the built-in plugins the server
// loads; other packages are not needed here.
step(npx, ['tsc', '-b', 'core', 'registry'], ROOT);
const plugins = readdirSync(join(ROOT, 'plugins'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'plugins', d.name, 'package.json')))
  .map((d) => `--workspace=plugins/${d.name}`);
step(npm, ['run', 'build', '--if-present', ...plugins], ROOT);
step(npx, ['vite', 'build', '--logLevel', 'warn'], UI_DIR);

const only = process.argv.slice(2);
const files = readdirSync(join(UI_DIR, 'test'))
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .map((f) => join('test', f));
step(process.execPath, ['--test', '--test-concurrency=1', ...files], UI_DIR);
