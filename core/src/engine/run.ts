import type {
  Json,
  JsonObject,
  LogEntry,
  NodeRunInput,
  NodeRunResult,
  PortEmission,
  ProfileOperation,
} from '@cairn/sdk';
import type { FlowGraph } from './graph.js';
import type { FlowEdge, FlowNode } from './model.js';
import { checkOutcome, type NodeRunFailure } from './node-result.js';
import { applyOperations } from './operations.js';
import { PreparedFlow, prepareFlow } from './prepared.js';

/** Runs one node call; in the server the sandbox host, in tests a plain function table. */
export interface NodeExecutor {
  execute(node: FlowNode, input: NodeRunInput): Promise<NodeRunResult | NodeRunFailure>;
  /**
   * True when the executor already hands each node its own copy of the input and answers with
   * values nobody else holds (the sandbox does both: everything crosses as JSON). The engine
   * then skips its own defensive copies.
   */
  readonly copies?: boolean;
}

/** The event a flow runs for, with the profile and session as they are before the flow. */
export interface RunFlowInput {
  event: JsonObject;
  profile: JsonObject | null;
  session: JsonObject | null;
  /** Flow-level values every node receives, e.g. `{ id, name, version }`; the engine adds `node`. */
  flow?: JsonObject;
}

export interface RunFlowOptions {
  /** Milliseconds from any fixed origin; read before and after each node call. */
  clock: () => number;
  /** Node calls allowed in one run before it is stopped; guards against fan-out explosions. */
  maxNodeRuns?: number;
}

export const DEFAULT_MAX_NODE_RUNS = 1000;

/** One payload collected by a join: which node and port sent it, on which input it arrived. */
export type JoinDelivery = { from: string; port: string; input: string; payload: Json };

export interface NodeError {
  code: string;
  message: string;
}

/** What happened to one node call, or to a node that was skipped. */
export interface TraceEntry {
  nodeId: string;
  plugin: string;
  version: string;
  node: string;
  /** The payload the call received; null for a skipped node. */
  payload: Json;
  emissions: PortEmission[];
  /** Operations applied to the in-flight profile; none when the call failed. */
  operations: ProfileOperation[];
  logs: LogEntry[];
  durationMs: number;
  /** Why the call failed; `routed` tells whether the error went to the node's `error` port. */
  error?: NodeError & { routed: boolean };
  /** Set when every incoming edge was dead, so the node did not run. */
  skipped?: true;
}

export interface FlowRunResult {
  /** `error` when a node failure was not routed to an error port, or the run was stopped. */
  status: 'ok' | 'error';
  /** Why the whole run stopped early: a malformed flow or the node-run limit. */
  error?: NodeError;
  /** Every applied operation, in the order applied: replay them with `applyOperations` at commit. */
  operations: ProfileOperation[];
  /** The profile after all operations, as the last node saw it. */
  profile: JsonObject | null;
  ux: JsonObject[];
  response: JsonObject;
  trace: TraceEntry[];
}

interface Delivery {
  edge: FlowEdge;
  payload: Json;
}

interface PlannedCall {
  payload: Json;
  /** The input port the payload arrived on; null for the start node and joins. */
  input: string | null;
}

type CallOutcome =
  | { ok: true; result: NodeRunResult; profile: JsonObject | null }
  | { ok: false; error: NodeError; logs: LogEntry[] };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of response objects: objects merge key by key, any other value replaces. */
function mergeResponse(into: JsonObject, from: JsonObject): JsonObject {
  const merged: JsonObject = { ...into };
  for (const [key, value] of Object.entries(from)) {
    const current = merged[key];
    const next = isObject(current) && isObject(value) ? mergeResponse(current, value) : value;
    Object.defineProperty(merged, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

function failed(code: string, message: string, logs: LogEntry[]): CallOutcome {
  return { ok: false, error: { code, message }, logs };
}

function thrownError(thrown: unknown): NodeError {
  const code = (thrown as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' && code !== '' ? code : 'node_failed',
    message: thrown instanceof Error ? thrown.message : String(thrown),
  };
}

class FlowRun {
  private readonly input: RunFlowInput;
  private profile: JsonObject | null;
  private readonly inbox = new Map<string, Delivery[]>();
  private readonly result: FlowRunResult;
  private calls = 0;

  constructor(
    private readonly graph: FlowGraph,
    input: RunFlowInput,
    private readonly executor: NodeExecutor,
    private readonly clock: () => number,
    private readonly maxNodeRuns: number,
  ) {
    this.input = executor.copies ? input : structuredClone(input);
    this.profile = this.input.profile;
    this.result = { status: 'ok', operations: [], profile: null, ux: [], response: {}, trace: [] };
  }

  async walk(): Promise<FlowRunResult> {
    for (const id of this.graph.order) {
      const node = this.graph.nodes.get(id)!;
      const calls = this.plan(id);
      if (calls.length === 0) {
        this.result.trace.push({ ...this.identity(node), ...this.empty(null), skipped: true });
        continue;
      }
      for (const call of calls) {
        if (this.calls >= this.maxNodeRuns) {
          return this.finish({
            code: 'run_limit_exceeded',
            message: `flow stopped after ${this.maxNodeRuns} node runs; node "${id}" and the nodes after it did not run`,
          });
        }
        this.calls += 1;
        await this.call(node, call);
      }
    }
    return this.finish();
  }

  /** The calls a node gets: none when all its incoming edges are dead. */
  private plan(id: string): PlannedCall[] {
    const incoming = this.graph.incoming.get(id)!;
    if (incoming.length === 0) return [{ payload: this.input.event, input: null }];
    const deliveries = this.inbox.get(id) ?? [];
    if (incoming.length === 1) {
      return deliveries.map(({ edge, payload }) => ({ payload, input: edge.targetHandle }));
    }
    if (deliveries.length === 0) return [];
    const joined: JoinDelivery[] = deliveries.map(({ edge, payload }) => ({
      from: edge.source,
      port: edge.sourceHandle,
      input: edge.targetHandle,
      payload,
    }));
    return [{ payload: joined, input: null }];
  }

  private async call(node: FlowNode, call: PlannedCall): Promise<void> {
    const started = this.clock();
    const outcome = await this.execute(node, call);
    const durationMs = this.clock() - started;
    const base = { ...this.identity(node), ...this.empty(call.payload), durationMs };
    if (outcome.ok) {
      const { result } = outcome;
      this.profile = outcome.profile;
      this.result.operations.push(...result.operations);
      this.result.ux.push(...result.ux);
      this.result.response = mergeResponse(this.result.response, result.response);
      for (const emission of result.emissions) this.send(node.id, emission);
      const { emissions, operations, logs } = result;
      // A node that reports a failure on its `error` port, with nothing connected to that port,
      // must not pass for a success: the run is marked failed and the trace says why.
      const unhandled = emissions.find((e) => e.port === 'error' && !this.connected(node.id, 'error'));
      if (unhandled) {
        this.result.status = 'error';
        const message = errorMessageOf(unhandled.payload) ?? `node ${node.id} reported an error`;
        this.result.trace.push({
          ...base,
          emissions,
          operations,
          logs,
          error: { code: 'unhandled_error', message, routed: false },
        });
        return;
      }
      this.result.trace.push({ ...base, emissions, operations, logs });
      return;
    }
    const routed = this.graph.outgoing.get(node.id)!.some((edge) => edge.sourceHandle === 'error');
    const emissions: PortEmission[] = [];
    if (routed) {
      const emission = {
        port: 'error',
        payload: { error: { message: outcome.error.message, code: outcome.error.code } },
      };
      this.send(node.id, emission);
      emissions.push(emission);
    } else {
      this.result.status = 'error';
    }
    this.result.trace.push({ ...base, emissions, logs: outcome.logs, error: { ...outcome.error, routed } });
  }

  /** Calls the executor on copies of everything, checks the answer and applies its operations. */
  private async execute(node: FlowNode, call: PlannedCall): Promise<CallOutcome> {
    try {
      const copy = this.executor.copies ? <T>(value: T) => value : structuredClone;
      const input: NodeRunInput = copy({
        event: this.input.event,
        profile: this.profile,
        session: this.input.session,
        payload: call.payload,
        config: node.data.config,
        flow: { ...this.input.flow, node: { id: node.id, input: call.input } },
      });
      const checked = checkOutcome(copy(await this.executor.execute(node, input)));
      if (checked.kind === 'invalid') return failed('invalid_result', checked.message, []);
      if (checked.kind === 'failure') {
        const { error, logs } = checked.failure;
        return failed(error.code, error.message, logs ?? []);
      }
      const { result } = checked;
      if (result.operations.length === 0) return { ok: true, result, profile: this.profile };
      if (this.profile === null) {
        return failed(
          'no_profile',
          'node returned profile operations, but the event has no profile',
          result.logs,
        );
      }
      const applied = applyOperations(this.profile, result.operations);
      if (!applied.ok) return failed(applied.error.code, applied.error.message, result.logs);
      return { ok: true, result, profile: applied.profile };
    } catch (thrown) {
      const { code, message } = thrownError(thrown);
      return failed(code, message, []);
    }
  }

  /** Sends a payload along every edge leaving the port; a port with no edges drops it. */
  private connected(nodeId: string, port: string): boolean {
    return this.graph.outgoing.get(nodeId)!.some((edge) => edge.sourceHandle === port);
  }

  private send(nodeId: string, emission: PortEmission): void {
    for (const edge of this.graph.outgoing.get(nodeId)!) {
      if (edge.sourceHandle !== emission.port) continue;
      const waiting = this.inbox.get(edge.target) ?? [];
      waiting.push({ edge, payload: emission.payload });
      this.inbox.set(edge.target, waiting);
    }
  }

  private identity(node: FlowNode) {
    const { plugin, version, node: name } = node.data;
    return { nodeId: node.id, plugin, version, node: name };
  }

  private empty(payload: Json) {
    return { payload, emissions: [], operations: [], logs: [], durationMs: 0 };
  }

  private finish(error?: NodeError): FlowRunResult {
    this.result.profile = this.profile;
    if (error) {
      this.result.status = 'error';
      this.result.error = error;
    }
    return this.result;
  }
}

function invalidFlow(input: RunFlowInput, message: string): FlowRunResult {
  return {
    status: 'error',
    error: { code: 'invalid_flow', message },
    operations: [],
    profile: input.profile,
    ux: [],
    response: {},
    trace: [],
  };
}

/**
 * Runs a flow for one event. The flow should have passed `validateFlow`; here only what the walk
 * relies on is checked again (shape, acyclic, exactly one node without incoming edges), and a
 * failure comes back as a result with `error.code` `invalid_flow`, never as an exception. A flow
 * that runs for many events can be checked once with `prepareFlow` and passed prepared.
 *
 * @example
 * const result = await runFlow(flow, { event, profile, session }, sandboxExecutor, { clock: performance.now.bind(performance) });
 */
export async function runFlow(
  flow: PreparedFlow | unknown,
  input: RunFlowInput,
  executor: NodeExecutor,
  options: RunFlowOptions,
): Promise<FlowRunResult> {
  const maxNodeRuns = options.maxNodeRuns ?? DEFAULT_MAX_NODE_RUNS;
  if (!Number.isInteger(maxNodeRuns) || maxNodeRuns < 1) {
    throw new RangeError(`maxNodeRuns must be a positive integer, got ${maxNodeRuns}`);
  }
  const { graph, invalid } = flow instanceof PreparedFlow ? flow : prepareFlow(flow);
  if (graph === undefined) return invalidFlow(input, invalid!);
  return new FlowRun(graph, input, executor, options.clock, maxNodeRuns).walk();
}

/** `{error: {message}}`, the shape failure payloads take, or a plain text payload. */
function errorMessageOf(payload: Json): string | undefined {
  if (typeof payload === 'string') return payload;
  const error =
    payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload.error : undefined;
  const message =
    error !== null && typeof error === 'object' && !Array.isArray(error) ? error.message : undefined;
  return typeof message === 'string' ? message : undefined;
}
