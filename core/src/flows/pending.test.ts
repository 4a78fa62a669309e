import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createConnection } from 'mysql2/promise';
import { Collector, type FlowCommit } from '../collector/collector.js';
import { toSqlDate } from '../storage/sql.js';
import { testDialects } from '../test-support/databases.js';
import { deployFlow, edge, kitNode, testKitEnv, viewsFlow } from '../test-support/plugins.js';
import { freePort } from '../test-support/ports.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

/** start → a call of the loopback service `service` listens on. */
function callFlow(service: Server): [unknown[], unknown[]] {
  const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/`;
  return [
    [kitNode('start', 'start'), kitNode('call', 'attack', { kind: 'fetch', url })],
    [edge('start', 'out', 'call')],
  ];
}

for (const dialect of testDialects()) {
  describe(`events a stopped server left pending, on ${dialect.name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    /** A loopback service a flow calls; it reads the status its caller's event has meanwhile. */
    let probe: Server;
    const seen: string[] = [];

    before(async () => {
      server = await startTestServer(dialect, { ...(await testKitEnv()), CAIRN_HTTP_ALLOW: '127.0.0.1' });
      probe = createServer(async (_request, response) => {
        const listed = await server.request('/api/events?type=probe', { admin: true });
        const { items } = (await listed.json()) as { items: { metadata: { status: string } }[] };
        seen.push(...items.map((e) => e.metadata.status));
        response.end('{}');
      });
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
      await deployFlow(server, 'view', ...viewsFlow);
      await deployFlow(server, 'probe', ...callFlow(probe));
    });
    after(async () => {
      await server.stop();
      probe.close();
    });

    const track = async (types: string[], profile?: string) => {
      const response = await server.request('/track', {
        json: {
          source: { id: 'web' },
          ...(profile ? { profile: { id: profile } } : {}),
          events: types.map((type) => ({ type })),
        },
      });
      expect(response.status).to.equal(200);
      return (await response.json()) as { profile: { id: string }; events: string[] };
    };
    const sql = (statement: string, params: unknown[] = []) =>
      server.db.orm.em.getConnection().execute(statement, params, 'all');
    const status = async (id: string) =>
      (
        (await (await server.request(`/api/events/${id}`, { admin: true })).json()) as {
          metadata: { status: string };
        }
      ).metadata.status;
    const views = async (profile: string) =>
      (
        (await (await server.request(`/api/profiles/${profile}`, { admin: true })).json()) as {
          stats: { counters: Record<string, number> };
        }
      ).stats.counters.views;
    /** What a server stopped after storing an event and before committing its flows leaves behind. */
    const leavePending = (id: string, type: string, storedMsAgo: number) =>
      sql(`update event set type = ?, status = 'pending', inserted_at = ? where id = ?`, [
        type,
        toSqlDate(server.db.dialect, new Date(Date.now() - storedMsAgo)),
        id,
      ]);
    const settled = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const now = await status(id);
        if (now !== 'pending') return now;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return 'pending';
    };

    it('keeps an event pending while its flows run', async () => {
      const { events } = await track(['probe']);
      expect(seen).to.deep.equal(['pending']);
      expect(await status(events[0]!)).to.equal('processed');
    });

    it('ends a request with its routed events processed and the others collected', async () => {
      const { events } = await track(['view', 'note']);
      expect([await status(events[0]!), await status(events[1]!)]).to.deep.equal(['processed', 'collected']);
    });

    it('runs the flows of an abandoned pending event once, after a restart, and leaves recent ones alone', async () => {
      const first = await track(['view']);
      expect(await views(first.profile.id)).to.equal(1);
      // Two events whose flows did not run: one stored an hour ago, one just now (its request may still be running).
      const { events } = await track(['note', 'note'], first.profile.id);
      await leavePending(events[0]!, 'view', 3_600_000);
      await leavePending(events[1]!, 'view', 0);

      await server.restart();
      expect(await settled(events[0]!)).to.equal('processed');
      expect(await views(first.profile.id)).to.equal(2);
      expect(await status(events[1]!)).to.equal('pending');
      const metrics = await (await server.request('/metrics', { admin: true })).text();
      expect(metrics).to.match(/^cairn_events_recovered_total 1$/m);

      await server.restart();
      expect(await settled(events[0]!)).to.equal('processed');
      expect(await views(first.profile.id)).to.equal(2);
    });

    it('marks an abandoned pending event collected when no rule selects it anymore', async () => {
      const { events } = await track(['note']);
      await leavePending(events[0]!, 'retired', 3_600_000);
      await server.restart();
      expect(await settled(events[0]!)).to.equal('collected');
    });

    it('applies the outcome of an event once when two runs commit it', async () => {
      const first = await track(['view']);
      const { events } = await track(['note'], first.profile.id);
      await leavePending(events[0]!, 'view', 0);
      // Two collectors, as two servers would have: a slow request's and a sweep's commit race.
      const collectors = [1, 2].map(() => new Collector(server.db, { writeLanes: 2, maxGroup: 16 }));
      const commit = (): FlowCommit => ({
        profileId: first.profile.id,
        operations: [],
        events: new Map([
          [
            events[0]!,
            {
              status: 'processed',
              operations: [{ op: 'increment', path: 'stats.counters.views', by: 1 }],
            },
          ],
        ]),
        refused: [],
      });
      await Promise.all(collectors.map((collector) => collector.commit(commit())));
      expect(await status(events[0]!)).to.equal('processed');
      expect(await views(first.profile.id)).to.equal(2);
      // And once more, later: the event is settled, so nothing changes.
      await collectors[0]!.commit(commit());
      expect(await views(first.profile.id)).to.equal(2);
    });

    if (dialect.name === 'mysql') {
      it('leaves the pending events to the server that holds the lock', async () => {
        const first = await track(['view']);
        const { events } = await track(['note'], first.profile.id);
        await leavePending(events[0]!, 'view', 3_600_000);
        const other = await createConnection(server.databaseUrl);
        try {
          await other.query(`select get_lock('cairn.pending-events', 0)`);
          await server.restart();
          await new Promise((resolve) => setTimeout(resolve, 1000));
          expect(await status(events[0]!)).to.equal('pending');
          expect(await views(first.profile.id)).to.equal(1);
        } finally {
          await other.query(`select release_lock('cairn.pending-events')`);
          await other.end();
        }
        await server.restart();
        expect(await settled(events[0]!)).to.equal('processed');
        expect(await views(first.profile.id)).to.equal(2);
      });
    }

    it('leaves pending, not failed, an event whose flow a shutdown cut off', async () => {
      await server.restart({ CAIRN_SHUTDOWN_GRACE_MS: '100' });
      let held: (() => void) | undefined;
      const reached = new Promise<void>((resolve) => {
        held = resolve;
      });
      const stuck = createServer(() => held?.());
      await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
      try {
        await deployFlow(server, 'stuck', ...callFlow(stuck));
        const tracked = server
          .request('/track', { json: { source: { id: 'web' }, events: [{ type: 'stuck' }] } })
          .catch(() => undefined);
        await reached;
        // Stopped after 100 ms of grace, while the flow still waits: started again with the defaults.
        await server.restart();
        await tracked;
        const listed = (await (await server.request('/api/events?type=stuck', { admin: true })).json()) as {
          items: { metadata: { status: string } }[];
        };
        expect(listed.items.map((e) => e.metadata.status)).to.deep.equal(['pending']);
      } finally {
        stuck.closeAllConnections();
        stuck.close();
      }
    });

    it('leaves to a sweep the events of a request too slow to start their flows in time', async () => {
      // A request starts no flow more than 2500 - 2 × 1000 = 500 ms after storing its events.
      await server.restart({ CAIRN_EVENT_TIMEOUT_MS: '1000', CAIRN_PENDING_AFTER_MS: '2500' });
      let slowCalls = 0;
      const slow = createServer((_request, response) => {
        slowCalls += 1;
        setTimeout(() => response.end('{}'), 700);
      });
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      try {
        await deployFlow(server, 'slow', ...callFlow(slow));

        const response = await server.request('/track', {
          json: { source: { id: 'web' }, events: [{ type: 'slow' }, { type: 'slow' }] },
        });
        const answer = (await response.json()) as { events: string[]; errors: string[] };
        expect([await status(answer.events[0]!), await status(answer.events[1]!)]).to.deep.equal([
          'processed',
          'pending',
        ]);
        expect(answer.errors.join()).to.include('ran too long to start its flows');
        expect(slowCalls).to.equal(1);

        // Once it counts as abandoned, a sweep (here the one at start) runs it.
        await new Promise((resolve) => setTimeout(resolve, 2600));
        await server.restart({ CAIRN_EVENT_TIMEOUT_MS: '1000', CAIRN_PENDING_AFTER_MS: '2500' });
        expect(await settled(answer.events[1]!)).to.equal('processed');
        expect(slowCalls).to.equal(2);
      } finally {
        slow.close();
        await server.restart();
      }
    });
  });
}

/** The child processes of `pid` (Linux). */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

/** Whether a process still runs (a zombie waiting for its parent to read its status counts as ended). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('a server killed while flows run', function () {
  this.timeout(90_000);
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const token = 'crash-test-admin-token-0123456789';
  let dataDir: string;
  let probe: Server;
  let server: ChildProcess | undefined;
  /** Calls the probe received; the first is held unanswered, as if the service were slow. */
  let calls = 0;
  let reached: () => void;
  const firstCall = new Promise<void>((resolve) => {
    reached = resolve;
  });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-crash-'));
    probe = createServer((_request, response) => {
      calls += 1;
      if (calls === 1) reached();
      else response.end('{}');
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    server?.kill('SIGKILL');
    probe.closeAllConnections();
    probe.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the server in a process of its own on the test's data folder; its base URL. */
  async function start(limits: { eventMs: number; pendingMs: number }): Promise<string> {
    const port = await freePort();
    server = fork(cli, ['serve'], {
      execArgv: ['--no-node-snapshot'],
      env: {
        ...process.env,
        ...(await testKitEnv()),
        CAIRN_PORT: String(port),
        CAIRN_HOST: '127.0.0.1',
        CAIRN_DATA_DIR: dataDir,
        CAIRN_DATABASE_URL: `sqlite:${join(dataDir, 'cairn.sqlite')}`,
        CAIRN_ADMIN_TOKEN: token,
        CAIRN_HTTP_ALLOW: '127.0.0.1',
        CAIRN_EVENT_TIMEOUT_MS: String(limits.eventMs),
        CAIRN_PENDING_AFTER_MS: String(limits.pendingMs),
        CAIRN_LOG_LEVEL: 'fatal',
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      if (
        await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return base;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the server did not start');
  }

  it('runs the flows of the event it held when it starts again', async () => {
    let base = await start({ eventMs: 20_000, pendingMs: 60_000 });
    const api = (path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    await api('/api/sources', { id: 'web', name: 'Web', type: 'rest' });
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
    const flow = await api('/api/flows', {
      name: 'Probe',
      draft: {
        nodes: [kitNode('start', 'start'), kitNode('call', 'attack', { kind: 'fetch', url })],
        edges: [edge('start', 'out', 'call')],
      },
    });
    const { id } = (await flow.json()) as { id: string };
    await api(`/api/flows/${id}/deploy`, {});
    await api('/api/rules', { name: 'probe', eventType: 'probe', flowId: id });

    const tracked = api('/track', { source: { id: 'web' }, events: [{ type: 'probe' }] }).catch(
      () => 'no answer',
    );
    await firstCall;
    const workers = childrenOf(server!.pid!);
    expect(workers).to.have.length(1);
    const killed = new Promise((resolve) => server!.once('exit', resolve));
    server!.kill('SIGKILL');
    await killed;
    expect(await tracked).to.equal('no answer');
    // Its sandbox worker, whose node was waiting for the probe's answer, ends too.
    for (let i = 0; i < 50 && workers.some(alive); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(workers.filter(alive)).to.deep.equal([]);

    // Started again once the event has been pending longer than this server's pending period:
    // the sweep at start takes it and runs its flow again, which calls the probe a second time.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    base = await start({ eventMs: 500, pendingMs: 1500 });
    const statuses = async () => {
      const listed = (await (await api('/api/events?type=probe')).json()) as {
        items: { metadata: { status: string } }[];
      };
      return listed.items.map((e) => e.metadata.status);
    };
    let seen = await statuses();
    for (let i = 0; i < 100 && seen[0] === 'pending'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await statuses();
    }
    expect(seen).to.deep.equal(['processed']);
    expect(calls).to.equal(2);
  });
});
