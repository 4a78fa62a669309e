import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLUGIN_API_VERSION } from '../contract.js';

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export class ScaffoldError extends Error {}

/** Writes a new plugin package: one node, a test that runs it in the real sandbox, README, licence. */
export async function scaffoldPlugin(dir: string, name: string, author = 'The authors'): Promise<string[]> {
  if (!PACKAGE_NAME.test(name)) {
    throw new ScaffoldError(`"${name}" is not a valid package name (e.g. @acme/plugin-greeter).`);
  }
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new ScaffoldError(`${dir} is not empty.`);
  const short = name.replace(/^@[^/]+\//, '').replace(/^plugin-/, '');
  const title = short.replace(
    /(^|-)([a-z])/g,
    (_m, sep: string, c: string) => `${sep ? ' ' : ''}${c.toUpperCase()}`,
  );
  const [major, minor] = PLUGIN_API_VERSION.split('.');
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        description: `${title} nodes for Cairn`,
        license: 'MIT',
        type: 'module',
        private: true,
        scripts: { build: 'cairn-plugin build', test: 'cairn-plugin test', pack: 'cairn-plugin pack' },
        devDependencies: { '@cairn/sdk': `^${PLUGIN_API_VERSION}` },
      },
      null,
      2,
    )}\n`,
    'src/index.ts': `import { definePlugin, defineNode, Type } from '@cairn/sdk';

/** Greets the customer by name and remembers that it did. */
const greet = defineNode({
  id: 'greet',
  title: 'Greet',
  description: 'Puts a greeting in the /track answer and counts greetings on the profile.',
  category: 'data',
  inputs: ['in'],
  outputs: ['out'],
  // The profile paths this node may change; the server refuses any other write.
  permissions: { profile: { write: ['stats.counters.greetings'] } },
  config: Type.Object({
    greeting: Type.String({ default: 'Hello', description: 'Word to greet with' }),
  }),
  run(ctx) {
    const name = String(ctx.profile?.traits?.name ?? 'there');
    ctx.response.set('greeting', \`\${ctx.config.greeting}, \${name}!\`);
    ctx.profile.increment('stats.counters.greetings', 1);
    return ctx.emit('out', ctx.payload);
  },
});

export default definePlugin({
  name: '${name}',
  version: '0.1.0',
  title: '${title}',
  description: '${title} nodes for Cairn',
  cairn: '^${major}.${minor}.0',
  nodes: [greet],
});
`,
    'test/greet.test.js': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNode } from '@cairn/sdk/testing';

test('greets the customer by name and counts it', async () => {
  const result = await runNode({
    plugin: 'dist/plugin',
    node: 'greet',
    profile: { id: 'p1', traits: { name: 'Ada' } },
    config: { greeting: 'Hi' },
  });
  assert.deepEqual(result.response, { greeting: 'Hi, Ada!' });
  assert.deepEqual(result.emissions.map((e) => e.port), ['out']);
  assert.equal(result.operations.length, 1);
});
`,
    'README.md': `# ${name}

${title} nodes for [Cairn](https://github.com/cairn-cdp/cairn) flows.

## Nodes

### Greet

Puts \`greeting\` ("Hello, Ada!") in the \`/track\` answer and increments
\`stats.counters.greetings\` on the profile.

| setting | default | meaning |
|---|---|---|
| \`greeting\` | \`Hello\` | word to greet with |

## Develop

\`\`\`sh
npm run build   # cairn-plugin build: bundle + manifest into dist/plugin
npm test        # cairn-plugin test: build, then run test/ in the real sandbox
npm run pack    # cairn-plugin pack: the package to publish
\`\`\`
`,
    LICENSE: `MIT License

Copyright (c) ${new Date().getUTCFullYear()} ${author}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`,
    '.gitignore': 'node_modules/\ndist/\n*.cairn.tgz\n',
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return Object.keys(files);
}
