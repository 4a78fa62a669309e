import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { HttpCapability, type HttpCapabilityOptions } from '@cairn/sdk/sandbox';
import type { Logger } from 'pino';
import { readLines, writeLine } from './lines.js';
import {
  CHANNEL_FD,
  decodeOutcomes,
  type EventRunRequest,
  type EventRunResult,
  encodeRunRequest,
  type HostMessage,
  type PluginBundle,
  type RunOutcome,
  type WorkerMessage,
  type WorkerSettings,
} from './protocol.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.js', import.meta.url));

/**
 * `node --cpu-prof` on the server profiles its sandbox workers too (each writes its own file), so
 * one command shows where an event's time goes on both sides of the process boundary.
 */
const PROFILING_FLAGS = process.execArgv.filter((flag) => /^--cpu-prof(-dir=|-interval=|$)/.test(flag));

export class SandboxRunError extends Error {
  constructor(
    readonly code: 'event_timeout' | 'sandbox_crashed' | 'run_failed' | 'pool_closed',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxRunError';
  }
}

export interface SandboxPoolOptions {
  /** Worker processes; each holds its own isolates. */
  size: number;
  /** The worker's script: `worker-main.js`, unless a test runs one that misbehaves. */
  workerMain?: string;
  /** Wall-time limit for all flows of one event; the worker is replaced when it is exceeded. */
  eventTimeoutMs: number;
  settings: WorkerSettings;
  /** Operator settings of the `http` capability, enforced here in the host process. */
  http: HttpCapabilityOptions;
  /** Called each time a worker is replaced. */
  onRestart?: () => void;
  /** Whether the operator approved the permissions of a plugin version (`name@version`). */
  approves: (plugin: string) => boolean;
  logger: Logger;
}

interface Run {
  resolve(result: EventRunResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

class Worker {
  readonly runs = new Map<number, Run>();
  readonly httpCalls = new Map<number, AbortController>();
  readonly ready: Promise<void>;
  private nextRun = 1;
  /** Deployed flow versions whose graph this worker already holds. */
  private readonly graphs = new Set<string>();
  /** Runs queued during this turn of the event loop, as lines, sent together. */
  private outbox: string[] = [];
  /** The channel to the worker: runs and control messages go out, outcomes and requests come back. */
  private readonly channel: Socket;
  private started!: () => void;

  constructor(
    readonly child: ChildProcess,
    private readonly pool: SandboxPool,
    plugins: PluginBundle[],
    settings: WorkerSettings,
  ) {
    this.ready = new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`sandbox worker exited during start (${code})`));
      this.started = () => {
        child.off('exit', onExit);
        resolve();
      };
      child.once('exit', onExit);
    });
    // Until `ready`, an exit rejects `ready`; the pool replaces the worker either way.
    this.ready.catch(() => undefined);
    this.channel = child.stdio[CHANNEL_FD] as Socket;
    // A worker that dies closes its end; its exit, not the pipe's error, fails its runs.
    this.channel.on('error', () => undefined);
    readLines(this.channel, (line) => {
      let parsed: RunOutcome[] | WorkerMessage;
      try {
        parsed = line.startsWith('[') ? decodeOutcomes(line) : (JSON.parse(line) as WorkerMessage);
      } catch {
        // The worker hosts untrusted code: a line it garbles costs it its life, not the server's.
        pool.replace(
          this,
          new SandboxRunError('sandbox_crashed', 'The sandbox process sent a malformed message.'),
        );
        return;
      }
      if (Array.isArray(parsed)) this.onOutcomes(parsed);
      else this.onMessage(parsed);
    });
    this.send({ kind: 'configure', settings, plugins });
  }

  /** Sends a control message, after the runs queued before it: the worker sees them in order. */
  send(message: HostMessage): void {
    this.flush();
    if (this.channel.writable) writeLine(this.channel, JSON.stringify(message));
  }

  run(request: EventRunRequest, timeoutMs: number): Promise<EventRunResult> {
    const id = this.nextRun++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pool.replace(
          this,
          new SandboxRunError(
            'event_timeout',
            `The flows took longer than ${timeoutMs} ms and were stopped.`,
          ),
        );
      }, timeoutMs);
      this.runs.set(id, { resolve, reject, timer });
      const flows = request.flows.map((flow) => {
        if (flow.version === 0) return flow;
        const key = `${flow.id}@${flow.version}`;
        if (this.graphs.has(key)) {
          const { graph: _held, ...rest } = flow;
          return rest;
        }
        this.graphs.add(key);
        return flow;
      });
      if (this.outbox.length === 0) setImmediate(() => this.flush());
      this.outbox.push(`${id} ${encodeRunRequest({ ...request, flows })}`);
    });
  }

  private flush(): void {
    if (this.outbox.length === 0) return;
    const lines = this.outbox;
    this.outbox = [];
    if (this.channel.writable) writeLine(this.channel, lines.join('\n'));
  }

  private onOutcomes(outcomes: RunOutcome[]): void {
    for (const outcome of outcomes) {
      const run = this.runs.get(outcome.id);
      if (!run) continue;
      this.runs.delete(outcome.id);
      clearTimeout(run.timer);
      if ('result' in outcome) run.resolve(outcome.result);
      else run.reject(new SandboxRunError('run_failed', outcome.error.message));
    }
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.kind) {
      case 'ready':
        this.started();
        return;
      case 'http':
      case 'mail': {
        // Capabilities run here, in the process that holds the credentials.
        const abort = new AbortController();
        this.httpCalls.set(message.callId, abort);
        const plugin = message.use?.plugin;
        const reply =
          plugin !== undefined && !this.pool.approves(plugin)
            ? Promise.resolve(
                JSON.stringify({
                  ok: false,
                  error: `the permissions of ${plugin} are not approved by the operator (CAIRN_PLUGIN_APPROVED)`,
                }),
              )
            : message.kind === 'mail'
              ? this.pool.http.mail(message.requestJson, message.use, abort.signal)
              : this.pool.http.handle(message.requestJson, message.hosts, abort.signal, message.use);
        reply.then((text) => {
          if (this.httpCalls.delete(message.callId)) {
            this.send({ kind: 'http-reply', callId: message.callId, reply: text });
          }
        });
        return;
      }
      case 'http-abort':
        this.httpCalls.get(message.callId)?.abort();
        this.httpCalls.delete(message.callId);
        return;
    }
  }

  /** Fails every run in flight on this worker. */
  fail(error: Error): void {
    for (const run of this.runs.values()) {
      clearTimeout(run.timer);
      run.reject(error);
    }
    this.runs.clear();
    for (const abort of this.httpCalls.values()) abort.abort();
    this.httpCalls.clear();
  }
}

/**
 * Sandbox worker processes that run flows. Each event crosses the process boundary once: the
 * host sends the event with its flows, the worker walks them all and answers with the operations
 * and traces. A worker that crashes or overruns the event time limit is killed and replaced; only
 * the runs it held fail.
 */
export class SandboxPool {
  readonly http: HttpCapability;
  private workers: Worker[] = [];
  private plugins: PluginBundle[] = [];
  private closed = false;
  /** Workers replaced after a crash or a timeout, since start. */
  restarts = 0;

  constructor(private readonly options: SandboxPoolOptions) {
    this.http = new HttpCapability(options.http);
  }

  /** Starts the workers with the installed plugins. */
  async start(plugins: PluginBundle[]): Promise<void> {
    this.plugins = plugins;
    this.workers = Array.from({ length: Math.max(1, this.options.size) }, () => this.spawn());
    await Promise.all(this.workers.map((w) => w.ready));
  }

  private spawn(): Worker {
    const script = this.options.workerMain ?? WORKER_MAIN;
    const child = spawn(process.execPath, ['--no-node-snapshot', ...PROFILING_FLAGS, script], {
      // No database URL, tokens or keys reach the sandbox process.
      env: {},
      // Runs, outcomes and control messages cross one pipe as lines of text (`lines.ts`).
      stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
    });
    const worker = new Worker(child, this, this.plugins, this.options.settings);
    child.once('exit', (code, signal) => {
      if (this.closed || !this.workers.includes(worker)) return;
      this.options.logger.warn({ code, signal }, 'sandbox worker exited; replacing it');
      this.replace(
        worker,
        new SandboxRunError('sandbox_crashed', 'The sandbox process stopped while running the flows.'),
      );
    });
    return worker;
  }

  /** Kills a worker, fails its runs with `error`, and starts a fresh one in its place. */
  replace(worker: Worker, error: Error): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return;
    worker.fail(error);
    worker.child.kill('SIGKILL');
    this.restarts++;
    this.options.onRestart?.();
    if (!this.closed) this.workers[index] = this.spawn();
  }

  approves(plugin: string): boolean {
    return this.options.approves(plugin);
  }

  /** Process ids of the current workers. */
  pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? -1);
  }

  /** Runs the flows of one event in the least busy worker. */
  async run(request: EventRunRequest): Promise<EventRunResult> {
    if (this.closed) throw new SandboxRunError('pool_closed', 'The server is shutting down.');
    const worker = this.workers.reduce((best, w) => (w.runs.size < best.runs.size ? w : best));
    await worker.ready;
    return worker.run(request, this.options.eventTimeoutMs);
  }

  /** Replaces the plugin set in every worker (after an install or upgrade). */
  async reload(plugins: PluginBundle[]): Promise<void> {
    this.plugins = plugins;
    for (const worker of this.workers)
      worker.send({ kind: 'configure', settings: this.options.settings, plugins });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.fail(new SandboxRunError('pool_closed', 'The server is shutting down.'));
            if (worker.child.exitCode !== null) return resolve();
            worker.child.once('exit', () => resolve());
            worker.child.kill('SIGTERM');
          }),
      ),
    );
  }
}
