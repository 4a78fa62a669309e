#!/usr/bin/env -S node --no-node-snapshot
// cairn-plugin build [entry] [--out dir] [--minify]: bundle a plugin and write its manifest.
import { parseArgs } from 'node:util';
import { buildPlugin } from '../dist/build/index.js';

const usage = 'usage: cairn-plugin build [entry=src/index.ts] [--out dist/plugin] [--minify]';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', short: 'o', default: 'dist/plugin' },
    minify: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const [command, entry = 'src/index.ts', ...rest] = positionals;
if (values.help || command !== 'build' || rest.length > 0) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
try {
  const built = await buildPlugin({ entry, outDir: values.out, minify: values.minify });
  const nodes = built.manifest.nodes.map((node) => node.id).join(', ');
  console.log(`built ${built.manifest.name}@${built.manifest.version} (${nodes}) -> ${built.scriptPath}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
