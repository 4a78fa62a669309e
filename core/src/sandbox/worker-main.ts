/**
 * Entry point of a sandbox worker process. It holds plugin isolates and walks flows; it has no
 * database connection and no secrets (the host starts it with an empty environment). Outbound
 * HTTP from plugins is handed to the host, which checks and performs it.
 */
import { Socket } from 'node:net';
import type { JsonObject } from '@cairn/sdk';
import {
  type CapabilityUse,
  HttpCapability,
  type PluginSandbox,
  SandboxHost,
  sealInput,
} from '@cairn/sdk/sandbox';
import { runEvent, sealedParts } from './event-runner.js';
import { readLines, writeLine } from './lines.js';
import {
  CHANNEL_FD,
  decodeRunRequest,
  type EventRunRequest,
  encodeOutcomes,
  type HostMessage,
  type PluginBundle,
  type RunOutcome,
  type WorkerMessage,
  type WorkerSettings,
} from './protocol.js';

/** The channel the host opened for this process (see `lines.ts`). */
const channel = new Socket({ fd: CHANNEL_FD, readable: true, writable: true });

function send(message: WorkerMessage): void {
  writeLine(channel, JSON.stringify(message));
}

/** Outcomes finished during this turn of the event loop, sent together. */
let finished: RunOutcome[] = [];

function finish(outcome: RunOutcome): void {
  if (finished.length === 0) {
    setImmediate(() => {
      const outcomes = finished;
      finished = [];
      writeLine(channel, encodeOutcomes(outcomes));
    });
  }
  finished.push(outcome);
}

/** `ctx.http.fetch` of the isolates in this process: forwarded to the host process. */
class ForwardedHttp extends HttpCapability {
  private nextCall = 1;
  readonly pending = new Map<number, (reply: string) => void>();

  override handle(
    requestJson: string,
    declaredHosts: readonly string[] | null,
    signal: AbortSignal,
    use?: CapabilityUse,
  ): Promise<string> {
    return this.forward(signal, (callId) => ({
      kind: 'http',
      callId,
      requestJson,
      hosts: declaredHosts === null ? null : [...declaredHosts],
      ...(use ? { use } : {}),
    }));
  }

  override mail(requestJson: string, use: CapabilityUse, signal: AbortSignal): Promise<string> {
    return this.forward(signal, (callId) => ({ kind: 'mail', callId, requestJson, use }));
  }

  private forward(signal: AbortSignal, message: (callId: number) => WorkerMessage): Promise<string> {
    const callId = this.nextCall++;
    return new Promise((resolve) => {
      this.pending.set(callId, resolve);
      signal.addEventListener(
        'abort',
        () => {
          if (this.pending.delete(callId)) {
            send({ kind: 'http-abort', callId });
            resolve(JSON.stringify({ ok: false, error: 'the call was aborted' }));
          }
        },
        { once: true },
      );
      send(message(callId));
    });
  }
}

const http = new ForwardedHttp();
let host: SandboxHost | undefined;
let settings: WorkerSettings = { limits: {}, maxNodeRuns: 1000 };
const bundles = new Map<string, PluginBundle>();
/** Graphs of deployed flow versions, sent once by the host. */
const graphs = new Map<string, unknown>();

/**
 * Seals the configs of a deployed graph's nodes: every event's calls of a node then share one
 * JSON text of its config instead of serialising it per call.
 */
function sealConfigs(graph: unknown): void {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return;
  for (const node of nodes) {
    const config = (node as { data?: { config?: unknown } } | null)?.data?.config;
    if (config !== null && typeof config === 'object') sealInput(config as JsonObject);
  }
}

/** Fills in the graphs the host left out because this worker already holds them. */
function withGraphs(request: EventRunRequest): EventRunRequest {
  return {
    ...request,
    flows: request.flows.map((flow) => {
      const key = `${flow.id}@${flow.version}`;
      if (flow.graph !== undefined) {
        if (flow.version !== 0) {
          sealConfigs(flow.graph);
          graphs.set(key, flow.graph);
        }
        return flow;
      }
      return { ...flow, graph: graphs.get(key) };
    }),
  };
}

/** Starts one run; resolves when it has finished, its outcome handed to `finish`. */
function start(id: number, request: string): Promise<void> {
  let decoded: EventRunRequest;
  try {
    decoded = withGraphs(decodeRunRequest(request, sealedParts));
  } catch (error) {
    finish({ id, error: { code: 'run_failed', message: (error as Error).message } });
    return Promise.resolve();
  }
  return runEvent(decoded, lookup, settings.maxNodeRuns).then(
    (result) => finish({ id, result }),
    (error: unknown) => finish({ id, error: { code: 'run_failed', message: (error as Error).message } }),
  );
}

/** Runs received and not started yet, in arrival order. */
const waiting: { id: number; request: string }[] = [];
let draining = false;
let turnPassed = false;

/** Resolves once the event loop has come round: whatever was running is waiting on I/O. */
const nextTurn = () =>
  new Promise<void>((resolve) =>
    setImmediate(() => {
      turnPassed = true;
      resolve();
    }),
  );

/**
 * Starts the runs one after the other: the next starts when the one before has finished, or has
 * come to wait on I/O (a turn of the event loop passed), so a run waiting for an HTTP answer does
 * not hold up the others. The node calls of one event then follow each other: a sandbox sends an
 * isolate only the inputs that changed since its previous call (the event, the profile and the
 * payload passed on stay the same) and the isolate keeps them parsed, where events interleaved
 * call by call would send and parse everything again on every call.
 */
async function drain(): Promise<void> {
  draining = true;
  turnPassed = false;
  let turn = nextTurn();
  for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
    await Promise.race([start(next.id, next.request), turn]);
    if (turnPassed) {
      turnPassed = false;
      turn = nextTurn();
    }
  }
  draining = false;
}

function lookup(plugin: string, version: string): PluginSandbox | undefined {
  if (!host) return undefined;
  const loaded = host.get(plugin, version);
  if (loaded) return loaded;
  const bundle = bundles.get(`${plugin}@${version}`);
  return bundle ? host.load(bundle) : undefined;
}

function onMessage(message: HostMessage): void {
  switch (message.kind) {
    case 'configure': {
      // Plugins still installed keep their warm isolates; removed ones are unloaded.
      settings = message.settings;
      host ??= new SandboxHost({ limits: settings.limits, http });
      const next = new Map(message.plugins.map((b) => [`${b.manifest.name}@${b.manifest.version}`, b]));
      for (const [key, bundle] of bundles) {
        if (!next.has(key)) host.unload(bundle.manifest.name, bundle.manifest.version);
      }
      bundles.clear();
      for (const [key, bundle] of next) bundles.set(key, bundle);
      send({ kind: 'ready' });
      return;
    }
    case 'http-reply': {
      const resolve = http.pending.get(message.callId);
      http.pending.delete(message.callId);
      resolve?.(message.reply);
      return;
    }
  }
}

/** A line is a control message (a JSON object) or a run: `<id> <request>`. */
readLines(channel, (line) => {
  if (line.startsWith('{')) return onMessage(JSON.parse(line) as HostMessage);
  const space = line.indexOf(' ');
  waiting.push({ id: Number(line.slice(0, space)), request: line.slice(space + 1) });
  if (!draining) void drain();
});

/**
 * Ends this process when the host is gone (or closed the channel) or stops it. A normal exit
 * (which also writes a CPU profile when one is being taken) waits for the threads of isolates, and
 * one whose node waits for an answer from the host that will never come now would keep the process
 * alive forever: then it ends at once. Nothing here needs saving; the host holds all state.
 */
function quit(): void {
  if (http.pending.size === 0) process.exit(0);
  process.kill(process.pid, 'SIGKILL');
}
channel.on('end', quit);
channel.on('error', quit);
process.on('SIGTERM', quit);
