import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBuiltPlugin } from '@cairn/sdk/sandbox';
import { expect } from 'chai';
import { pino } from 'pino';
import { edge, kitNode, testKitPlugin } from '../test-support/plugins.js';
import { SandboxPool, type SandboxRunError } from './pool.js';
import type { EventRunRequest } from './protocol.js';

const logicNode = (id: string, node: string, config: object) => ({
  id,
  type: 'cairn',
  position: { x: 0, y: 0 },
  data: { plugin: '@cairn/plugin-logic', version: '0.1.0', node, config },
});

describe('sandbox worker', function () {
  this.timeout(30_000);

  it('serves the other runs it was sent while one waits for an HTTP answer', async () => {
    const held: ServerResponse[] = [];
    const service = createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/slow`;
    const pool = new SandboxPool({
      size: 1,
      eventTimeoutMs: 20_000,
      settings: { limits: {}, maxNodeRuns: 100 },
      http: { allow: ['127.0.0.1'] },
      approves: () => true,
      logger: pino({ level: 'silent' }),
    });
    const run = (id: string, nodes: unknown[], edges: unknown[]): EventRunRequest => ({
      flows: [{ id, name: id, version: 0, graph: { nodes, edges } }],
      trace: 'timings',
      event: { id: `event-${id}`, type: 'test', properties: {} },
      profile: null,
      session: null,
    });
    try {
      const require = createRequire(import.meta.url);
      const logic = join(dirname(require.resolve('@cairn/plugin-logic/package.json')), 'dist/plugin');
      await pool.start([await loadBuiltPlugin(await testKitPlugin()), await loadBuiltPlugin(logic)]);
      let slowSettled = false;
      const slow = pool
        .run(
          run(
            'slow',
            [kitNode('start', 'start'), kitNode('fetch', 'attack', { kind: 'fetch', url })],
            [edge('start', 'out', 'fetch')],
          ),
        )
        .finally(() => {
          slowSettled = true;
        });
      // Another plugin: calls to one plugin's sandbox are served one at a time.
      const quick = pool.run(
        run(
          'quick',
          [
            logicNode('start', 'start', {}),
            logicNode('answer', 'set-response', { key: 'done', value: 'yes' }),
          ],
          [edge('start', 'out', 'answer')],
        ),
      );
      expect((await quick).response).to.deep.equal({ done: 'yes' });
      expect(slowSettled).to.equal(false);
      while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      held[0]!.writeHead(204).end();
      const result = await slow;
      expect(result.status).to.equal('ok');
      expect(result.flows[0]!.trace.map((t) => t.nodeId)).to.deep.equal(['start', 'fetch']);
    } finally {
      await pool.close();
      service.close();
    }
  });
});

describe('a sandbox worker that sends nonsense', function () {
  this.timeout(30_000);

  it('is replaced, its run fails with sandbox_crashed, and the next run goes to a fresh worker', async () => {
    const pool = new SandboxPool({
      size: 1,
      workerMain: fileURLToPath(new URL('../test-support/workers/garbling-worker.js', import.meta.url)),
      eventTimeoutMs: 20_000,
      settings: { limits: {}, maxNodeRuns: 100 },
      http: {},
      approves: () => true,
      logger: pino({ level: 'silent' }),
    });
    const request = (type: string): EventRunRequest => ({
      flows: [],
      event: { id: 'e1', type, properties: {} },
      profile: null,
      session: null,
    });
    try {
      await pool.start([]);
      const [first] = pool.pids();
      const failed = await pool.run(request('garble')).then(
        () => undefined,
        (error: SandboxRunError) => error,
      );
      expect(failed?.code).to.equal('sandbox_crashed');
      expect(pool.restarts).to.equal(1);
      expect(pool.pids()[0]).to.not.equal(first);
      expect((await pool.run(request('page-view'))).status).to.equal('ok');
    } finally {
      await pool.close();
    }
  });
});
