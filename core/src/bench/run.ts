/**
 * `npm run bench`: measures the collector against a bare Koa endpoint, on SQLite and on MySQL.
 * Servers run in child processes so the load generator does not share their event loop. Bounded
 * in time: each scenario runs CAIRN_BENCH_SECONDS (default 10) seconds. Writes docs/benchmarks.md
 * after a full run.
 *
 * While iterating: `CAIRN_BENCH_ONLY` takes a comma list of parts (`bare`, `sqlite`, `mysql`,
 * `calls`) and Cairn scenarios (`new`, `existing`, `flow`) and runs only those, without writing
 * the page; `CAIRN_BENCH_CPU_PROF=<dir>` runs the servers and their sandbox workers under
 * `--cpu-prof`, writing one profile per process (read them with `profile-summary.js`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../test-support/ports.js';
import { benchFlowDraft } from './bench-flow.js';

const SECONDS = Number(process.env.CAIRN_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CAIRN_BENCH_CONNECTIONS ?? 32);
/**
 * How many times the no-flow and flow scenarios run, one right after the other: on a shared
 * machine a single run of each can differ by 10–20% for reasons that have nothing to do with the
 * flow, so the figures reported are medians over back-to-back pairs.
 */
const PAIRS = Math.max(1, Math.floor(Number(process.env.CAIRN_BENCH_PAIRS ?? 3)) || 1);
const EXISTING_PROFILES = 500;
const MYSQL_URL =
  process.env.CAIRN_BENCH_MYSQL_URL ?? process.env.CAIRN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
/** A fixed request rate instead of as fast as the server answers: CPU per event then compares without contention. */
const RATE = Number(process.env.CAIRN_BENCH_RATE ?? 0);
const ONLY = (process.env.CAIRN_BENCH_ONLY ?? '').split(',').filter(Boolean);
const CPU_PROF_DIR = process.env.CAIRN_BENCH_CPU_PROF;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const PARTS = ['bare', 'sqlite', 'mysql', 'calls'];
const SCENARIOS = ['new', 'existing', 'flow'];

/** Whether a part or scenario runs: all of its kind run unless `CAIRN_BENCH_ONLY` names some. */
function wanted(name: string, kind: readonly string[]): boolean {
  return !ONLY.some((o) => kind.includes(o)) || ONLY.includes(name);
}

const serverExecArgv = [
  '--no-node-snapshot',
  ...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []),
];

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU time per request of the server process, and of its sandbox workers, in µs. */
  serverCpuUs: number | undefined;
  sandboxCpuUs: number | undefined;
  /** CPU time per request of autocannon (this process) and of the MySQL server, in µs. */
  loadCpuUs: number;
  databaseCpuUs: number | undefined;
}

const TICK_US = 10_000;

/** CPU time (user + system) a process has used so far, in µs; undefined without Linux `/proc`. */
function cpuTimeUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return undefined;
  }
}

/** The local MySQL/MariaDB server process, if one runs here: its CPU counts for the MySQL rows. */
function databasePid(): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (name === 'mariadbd' || name === 'mysqld') return Number(entry);
    }
  } catch {
    // no /proc, or the process went away while reading
  }
  return undefined;
}

/** Child processes of `pid` (the sandbox workers of a server). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** CPU used by a server and by its children, sampled before and after a scenario. */
function cpuSample(pid: number | undefined): { server?: number; children?: number } {
  if (pid === undefined) return {};
  const children = childrenOf(pid).map(cpuTimeUs);
  return {
    server: cpuTimeUs(pid),
    children: children.some((c) => c === undefined) ? undefined : children.reduce((a, b) => a! + b!, 0),
  };
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function measure(
  scenario: string,
  url: string,
  body: () => string,
  server: ChildProcess,
  database?: number,
): Promise<Row> {
  const before = cpuSample(server.pid);
  const loadBefore = process.cpuUsage();
  const databaseBefore = database === undefined ? undefined : cpuTimeUs(database);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(RATE ? { overallRate: RATE } : {}),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
  const after = cpuSample(server.pid);
  const load = process.cpuUsage(loadBefore);
  const databaseAfter = database === undefined ? undefined : cpuTimeUs(database);
  const perRequest = (from: number | undefined, to: number | undefined) =>
    from === undefined || to === undefined || result.requests.total === 0
      ? undefined
      : (to - from) / result.requests.total;
  const row: Row = {
    scenario,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    serverCpuUs: perRequest(before.server, after.server),
    sandboxCpuUs: perRequest(before.children, after.children),
    loadCpuUs: perRequest(0, load.user + load.system)!,
    databaseCpuUs: perRequest(databaseBefore, databaseAfter),
  };
  console.log(
    `${scenario}: ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, failures ${row.failures}, ` +
      `CPU per request: server ${us(row.serverCpuUs)} µs, sandbox ${us(row.sandboxCpuUs)} µs`,
  );
  return row;
}

const us = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));

async function benchCairn(label: string, databaseUrl: string, database?: number): Promise<Row[]> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
  const rows: Row[] = [];
  const child = fork(join(root, 'core/dist/cli/main.js'), ['serve'], {
    execArgv: serverExecArgv,
    env: {
      ...process.env,
      CAIRN_PORT: String(port),
      CAIRN_HOST: '127.0.0.1',
      CAIRN_DATA_DIR: dataDir,
      CAIRN_DATABASE_URL: databaseUrl,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
      CAIRN_LOG_LEVEL: 'warn',
    },
    stdio: 'inherit',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/readyz`, child);
    await fetch(`${base}/api/sources`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ id: 'bench', name: 'Benchmark', type: 'rest' }),
    });
    const event = {
      type: 'page-view',
      properties: { url: 'https://shop.example.com/products/42', title: 'Trail shoe' },
    };
    if (wanted('new', SCENARIOS)) {
      rows.push(
        await measure(
          `/track, new profile (${label})`,
          `${base}/track`,
          () => JSON.stringify({ source: { id: 'bench' }, events: [event] }),
          child,
          database,
        ),
      );
    }

    const existing: { profile: string; session: string }[] = [];
    for (let i = 0; i < EXISTING_PROFILES; i++) {
      const session = `bench-session-${i}`;
      const response = await fetch(`${base}/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          source: { id: 'bench' },
          session: { id: session },
          events: [{ type: 'signup' }],
        }),
      });
      const { profile } = (await response.json()) as { profile: { id: string } };
      existing.push({ profile: profile.id, session });
    }
    let next = 0;
    const existingBody = (properties: Record<string, unknown>) => () => {
      const pick = existing[next++ % existing.length]!;
      return JSON.stringify({
        source: { id: 'bench' },
        profile: { id: pick.profile },
        session: { id: pick.session },
        events: [{ ...event, properties }],
      });
    };
    const noFlowScenario = `/track, existing profile (${label})`;
    const flowScenario = `/track, existing profile, 3-node flow (${label})`;
    const noFlow = () =>
      measure(noFlowScenario, `${base}/track`, existingBody(event.properties), child, database);
    if (!wanted('flow', SCENARIOS)) {
      if (wanted('existing', SCENARIOS)) rows.push(await noFlow());
      return rows;
    }
    const rule = await deployBenchFlow(base);
    const withFlow = () =>
      measure(
        flowScenario,
        `${base}/track`,
        existingBody({ ...event.properties, rating: 5 }),
        child,
        database,
      );
    if (!wanted('existing', SCENARIOS)) {
      rows.push(await withFlow());
      return rows;
    }
    // The flow is deployed once; its routing rule is switched off for the no-flow runs.
    const pairs: Pair[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      await rule.enable(false);
      const without = await noFlow();
      await rule.enable(true);
      pairs.push({ noFlow: without, withFlow: await withFlow() });
    }
    const median = medianPair(pairs);
    rows.push(median.noFlow, median.withFlow);
    flowRatios.push({ label, pairs });
    return rows;
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One run without the flow and one with it, back to back. */
interface Pair {
  noFlow: Row;
  withFlow: Row;
}

const flowRatios: { label: string; pairs: Pair[] }[] = [];

/** The share of the no-flow throughput a pair's flow run kept. */
const keptThroughput = (pair: Pair) => pair.withFlow.requestsPerSecond / pair.noFlow.requestsPerSecond;

/** The pair whose `keptThroughput` is the median (the upper one of an even count). */
function medianPair(pairs: readonly Pair[]): Pair {
  return [...pairs].sort((a, b) => keptThroughput(a) - keptThroughput(b))[Math.floor(pairs.length / 2)]!;
}

/**
 * The benchmark flow (`bench-flow.ts`), deployed and routed every page-view; `enable` switches
 * its routing rule on and off.
 */
async function deployBenchFlow(base: string): Promise<{ enable(on: boolean): Promise<void> }> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };
  const draft = benchFlowDraft;
  const created = await fetch(`${base}/api/flows`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'bench', draft }),
  });
  const flow = (await created.json()) as { id: string; validation: { errors: unknown[] } };
  if (flow.validation.errors.length)
    throw new Error(`bench flow invalid: ${JSON.stringify(flow.validation.errors)}`);
  await fetch(`${base}/api/flows/${flow.id}/deploy`, { method: 'POST', headers });
  const rule = { name: 'bench', eventType: 'page-view', flowId: flow.id };
  const routed = await fetch(`${base}/api/rules`, {
    method: 'POST',
    headers,
    body: JSON.stringify(rule),
  });
  const { id } = (await routed.json()) as { id: string };
  return {
    async enable(on) {
      const response = await fetch(`${base}/api/rules/${id}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ ...rule, enabled: on }),
      });
      if (!response.ok) throw new Error(`switching the bench rule failed: ${response.status}`);
    },
  };
}

/** Runs one of the in-process benchmarks (`<script> ... --json`) in its own process; its figures. */
function benchChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(join(root, script), [...args, '--json'], {
      execArgv: ['--no-node-snapshot'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

interface NodeCallFigures {
  inputBytes: number;
  results: { node: string; what: string; bestUs: number; medianUs: number }[];
}

/** The sandbox's per-call cost, measured by the SDK's own benchmark in a separate process. */
function benchNodeCalls(): Promise<NodeCallFigures> {
  return benchChild<NodeCallFigures>('sdk/dist/bench/call-overhead.js', []);
}

async function benchBare(): Promise<Row> {
  const port = await freePort();
  const child = fork(join(root, 'core/dist/bench/bare-server.js'), [String(port)], {
    execArgv: serverExecArgv,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    });
    const body = JSON.stringify({ source: { id: 'bench' }, events: [{ type: 'page-view' }] });
    return await measure('bare Koa JSON endpoint', `http://127.0.0.1:${port}/`, () => body, child);
  } finally {
    await stop(child);
  }
}

async function withMysqlDatabase<T>(work: (url: string) => Promise<T>): Promise<T | undefined> {
  let admin: Awaited<ReturnType<typeof createConnection>>;
  try {
    admin = await createConnection(MYSQL_URL);
  } catch (error) {
    console.warn(`MySQL at ${MYSQL_URL} is not reachable (${(error as Error).message}); MySQL rows skipped.`);
    return undefined;
  }
  const name = `cairn_bench_${process.pid}`;
  await admin.query(`create database \`${name}\` character set utf8mb4`);
  try {
    const url = new URL(MYSQL_URL);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists \`${name}\``);
    await admin.end();
  }
}

function table(rows: Row[], bare: Row | undefined): string {
  const lines = [
    '| scenario | events/s | p50 ms | p99 ms | vs bare endpoint | server CPU µs/event | sandbox CPU µs/event | autocannon CPU µs/event | MySQL server CPU µs/event | failed requests |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const ratio = bare ? `${((row.requestsPerSecond / bare.requestsPerSecond) * 100).toFixed(1)}%` : '–';
    const sandbox = row === bare ? '–' : us(row.sandboxCpuUs);
    lines.push(
      `| ${row.scenario} | ${row.requestsPerSecond.toFixed(0)} | ${row.p50} | ${row.p99} | ${ratio} | ${us(row.serverCpuUs)} | ${sandbox} | ${us(row.loadCpuUs)} | ${us(row.databaseCpuUs)} | ${row.failures} |`,
    );
  }
  return lines.join('\n');
}

interface FlowEventFigures {
  worker: { best: number; median: number };
  workerFullTrace: { best: number; median: number };
  host: { best: number; median: number };
  requestBytes: number;
  resultBytes: number;
}

/** The sandbox side of one flow event, in one process without IPC (`flow-event.ts`). */
function benchFlowEvent(): Promise<FlowEventFigures> {
  return benchChild<FlowEventFigures>('core/dist/bench/flow-event.js', []);
}

interface CollectorFigures {
  collect: number;
  collectAndCommit: number;
}

/** The collector alone (`collector.ts`): what a flow's commit adds to storing an event. */
function benchCollector(databaseUrl: string): Promise<CollectorFigures> {
  return benchChild<CollectorFigures>('core/dist/bench/collector.js', [databaseUrl]);
}

const collectorFigures: { label: string; figures: CollectorFigures }[] = [];
const rows: Row[] = [];
const bare = wanted('bare', PARTS) ? await benchBare() : undefined;
if (bare) rows.push(bare);
if (wanted('sqlite', PARTS)) {
  const sqliteDir = mkdtempSync(join(tmpdir(), 'cairn-bench-sqlite-'));
  rows.push(...(await benchCairn('SQLite', `sqlite:${join(sqliteDir, 'bench.sqlite')}`)));
  if (wanted('flow', SCENARIOS)) {
    const figures = await benchCollector(`sqlite:${join(sqliteDir, 'collector.sqlite')}`);
    collectorFigures.push({ label: 'SQLite', figures });
  }
  rmSync(sqliteDir, { recursive: true, force: true });
}
if (wanted('mysql', PARTS)) {
  rows.push(...((await withMysqlDatabase((url) => benchCairn('MySQL', url, databasePid()))) ?? []));
  if (wanted('flow', SCENARIOS)) {
    const figures = await withMysqlDatabase(benchCollector);
    if (figures) collectorFigures.push({ label: 'MySQL', figures });
  }
}
const calls = wanted('calls', PARTS) ? await benchNodeCalls() : undefined;
const flowEvent = wanted('calls', PARTS) ? await benchFlowEvent() : undefined;
const plain = calls?.results.find((r) => r.node.includes('plain'));
const callLines = [
  '| node call | best µs | median µs | vs plain function (best) |',
  '|---|---:|---:|---:|',
  ...(calls?.results ?? []).map(
    (r) =>
      `| ${r.node} (${r.what}) | ${r.bestUs.toFixed(2)} | ${r.medianUs.toFixed(2)} | ${(r.bestUs / plain!.bestUs).toFixed(0)}× |`,
  ),
].join('\n');
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const total = (row: Row) =>
  (row.serverCpuUs ?? 0) + (row.sandboxCpuUs ?? 0) + row.loadCpuUs + (row.databaseCpuUs ?? 0);
/** Per database: the pairs, what the flow keeps in each, and the pair whose throughput ratio is the median. */
const kept = flowRatios.map(({ label, pairs }) => ({
  label,
  throughput: pairs.map(keptThroughput),
  median: medianPair(pairs),
}));
const flowLines = kept
  .map(({ label, throughput, median: { noFlow, withFlow } }) => {
    const each =
      throughput.length > 1
        ? ` (the median of ${throughput.length} pairs: ${throughput.map(percent).join(', ')}; the figures below are that pair's)`
        : '';
    const line = `- ${label}: \`/track\` with the 3-node flow keeps **${percent(keptThroughput({ noFlow, withFlow }))}** of the no-flow throughput${each}`;
    if (noFlow.serverCpuUs === undefined || withFlow.serverCpuUs === undefined) return `${line}.`;
    return (
      `${line}; by the server process's CPU per event (${us(noFlow.serverCpuUs)} µs without the flow, ` +
      `${us(withFlow.serverCpuUs)} µs with it) it keeps **${percent(noFlow.serverCpuUs / withFlow.serverCpuUs)}**. ` +
      `All processes together spend ${us(total(noFlow))} µs of CPU per event without the flow and ` +
      `${us(total(withFlow))} µs with it (${percent(total(noFlow) / total(withFlow))}).`
    );
  })
  .join('\n');
const reached = kept.every(({ median }) => keptThroughput(median) >= 0.75);
const serverRatios = kept.flatMap(({ median: { noFlow, withFlow } }) =>
  noFlow.serverCpuUs !== undefined && withFlow.serverCpuUs !== undefined
    ? [noFlow.serverCpuUs / withFlow.serverCpuUs]
    : [],
);
const serverFigure = serverRatios.length
  ? ` By the server process's own CPU per event, the fairer figure where sandbox workers have cores
of their own, the flow keeps ${serverRatios.map(percent).join(' and ')}${
      serverRatios.every((r) => r >= 0.75) ? ': the target is met there.' : ', also short of 75%.'
    }`
  : '';
const commitLines = collectorFigures
  .map(
    ({ label, figures }) =>
      `${label}: storing an event costs the collector ${figures.collect.toFixed(0)} µs of CPU, storing it and ` +
      `committing a flow's two operations and its status ${figures.collectAndCommit.toFixed(0)} µs`,
  )
  .join('; ');
const verdict = reached
  ? 'The target (the flow keeps at least 75% of the no-flow throughput) is met on both databases.'
  : `The target (the flow keeps at least 75% of the no-flow throughput) is **not** met on this machine.
With ${cpus().length} cores shared by every process, throughput follows the CPU all of them spend per
event, and a flow event adds a second process's work: the sandbox worker runs the four node calls,
walks the graph and answers over IPC on the same cores as the server, autocannon and the database.${serverFigure}
What a flow event costs, and where, is below.`;
console.log(`\n${table(rows, bare)}\n\n${callLines}\n\n${flowLines}\n\n${commitLines}`);
if (flowEvent) console.log(`\nflow event in the sandbox, in one process: ${JSON.stringify(flowEvent)}`);
if (ONLY.length > 0 || !bare || !calls || !flowEvent) {
  console.log('\nA partial run (CAIRN_BENCH_ONLY): docs/benchmarks.md is left as it was.');
  process.exit(0);
}

const report = `# Benchmarks

Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPU
(${cpus()[0]?.model.trim() ?? 'unknown'}), load from autocannon on 127.0.0.1 with ${CONNECTIONS} connections for
${SECONDS} s per scenario. Each server runs in its own process, with one sandbox worker process; the load
generator, the server, its worker and (for the MySQL rows) the local MariaDB all share the machine's
cores. Every \`/track\` request carries one \`page-view\` event, so requests/s equals events/s.
"Existing profile" cycles through ${EXISTING_PROFILES} profiles created beforehand, each with its open session.
CPU columns are each process's CPU time (user + system, from \`/proc\`) during the scenario divided by
the requests served. The existing-profile scenario runs ${PAIRS} times without the flow and ${PAIRS} times
with it, in back-to-back pairs (the flow stays deployed; its routing rule is switched off and on), and
its two rows are the median runs: on a shared machine one run of the same code can differ from the
next by 10–20%, and pairs measured back to back share most of that drift.

${table(rows, bare)}

The flow rows deploy \`start → if → set → increment\` from the built-in logic plugin for every
\`page-view\`: the condition passes, a trait is set from the event and a counter incremented, and the
operations are committed to the stored profile before the answer.

${flowLines}

${verdict}

## Where a flow event's time goes

- **The sandbox worker.** One event with this flow, in one process without IPC
  (\`core/dist/bench/flow-event.js\`): decoding the run request (${flowEvent.requestBytes} B of JSON), the
  graph walk with its four node calls, and encoding the outcome (${flowEvent.resultBytes} B) cost
  **${flowEvent.worker.best.toFixed(1)} µs** of CPU (median ${flowEvent.worker.median.toFixed(1)} µs); with
  full traces (payloads and logs, sent only while someone watches the live trace stream)
  ${flowEvent.workerFullTrace.best.toFixed(1)} µs. The worker's column in the table is higher: there it
  also reads and writes the IPC pipe, and shares the cores with every other process.
- **The server's side of that exchange**: encoding the run request and decoding the outcome,
  ${flowEvent.host.best.toFixed(1)} µs.
- **The flow's commit.** An event is stored before its flows run, so that an accepted event is never
  lost; what the flows did (profile operations, the event's status) is then a second write. It
  shares transactions with other requests' writes (group commit), so under load it adds rows, not
  transactions. Measured with the collector alone, 32 requests at a time
  (\`core/dist/bench/collector.js\`): ${commitLines}. Writing it all once instead (reading the
  session and profile for the flows, then storing the event with its status and the flows' changes
  in one write) was tried and measured the same way: it cost as much CPU as the second write
  (on SQLite, 69 and 92 µs per event in two runs, against 75 and 93 µs), because the reads the flows need cost what the write saves.
  Events therefore stay stored before their flows run.
- **The rest, in the server**: the event, profile and session views the nodes see, metrics for every
  node, and the promises and group-commit items in between.

Profiles: \`CAIRN_BENCH_CPU_PROF=<dir>\` runs the servers and their sandbox workers under
\`--cpu-prof\`; \`node core/dist/bench/profile-summary.js <file>\` lists self and inclusive time per
function. On a machine this busy the V8 profiler charges the time a process waits to be scheduled
again to whatever was running (often a pipe or socket write), so compare profiles with the CPU
columns above, or use \`perf record -e cpu-clock\` with \`node --perf-basic-prof\` for on-CPU time.

## Sandbox cost per node call

One node call through the sandbox (input and result copied across the isolate boundary as JSON,
result validated on the host), with ${calls.inputBytes} bytes of input, 20 000 calls per round, best
and median of 10 rounds (each round's figure is the mean of its calls); compared with the same logic
as a plain function in the host. Sections that are the same as in the previous call to the isolate
are not copied again, so the rows with sealed or repeated input show what the calls of one event cost
after its first node, and the row with other JSON in every section the worst case.

${callLines}

Run it again with \`npm run bench\`; \`CAIRN_BENCH_SECONDS\`, \`CAIRN_BENCH_CONNECTIONS\`, \`CAIRN_BENCH_PAIRS\` and
\`CAIRN_BENCH_MYSQL_URL\` (default \`mysql://root@127.0.0.1:3306\`) tune it. The MySQL rows use a
temporary database that is dropped afterwards. \`CAIRN_BENCH_ONLY\` (a comma list of \`bare\`,
\`sqlite\`, \`mysql\`, \`calls\` and \`new\`, \`existing\`, \`flow\`) runs only those parts and leaves this
page as it is.
\`CAIRN_BENCH_RATE\` sends that many requests per second instead of as many as the server answers:
two versions of the code then compare at the same load. On a shared machine, runs of the same code
differ by 10–20%, so compare several runs of each.
`;
writeFileSync(join(root, 'docs/benchmarks.md'), report);
console.log('\nwritten to docs/benchmarks.md');
