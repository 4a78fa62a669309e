import type { JsonObject, PluginManifest, ProfileOperation } from '@cairn/sdk';
import type { CapabilityUse, SandboxLimits } from '@cairn/sdk/sandbox';
import type { NodeError, TraceEntry } from '../engine/index.js';

/** A deployed (or draft, when debugging) flow to run for one event. */
export interface FlowToRun {
  id: string;
  name: string;
  /** Deployed version, or 0 for a draft. */
  version: number;
  /** Public settings of the resources the flow's nodes name, shown to nodes as `ctx.resources`. */
  resources?: Record<string, JsonObject>;
  /**
   * The flow graph. Deployed versions never change, so a worker keeps the graphs it has been
   * sent and the host leaves out those it knows the worker holds.
   */
  graph?: unknown;
}

/** One event's flows, as sent to a sandbox worker: the whole walk happens inside the worker. */
export interface EventRunRequest {
  flows: FlowToRun[];
  /** Which credentials resources give: test for debug runs. */
  credentials?: 'production' | 'test';
  /**
   * `timings` leaves the payloads, emissions, operations and logs out of the trace entries, for
   * runs whose traces nobody looks at; `full` (the default) keeps them.
   */
  trace?: 'full' | 'timings';
  event: JsonObject;
  profile: JsonObject | null;
  session: JsonObject | null;
}

/** What a trace entry keeps when only timings are asked for: which node, how long, how it failed. */
export type TimingEntry = Pick<
  TraceEntry,
  'nodeId' | 'plugin' | 'version' | 'node' | 'durationMs' | 'error' | 'skipped'
>;

export interface FlowRunSummary {
  flowId: string;
  version: number;
  status: 'ok' | 'error';
  error?: NodeError;
  /** Full entries (`TraceEntry`) when the result's `traces` is `full`, timings only otherwise. */
  trace: TimingEntry[];
}

export interface EventRunResult {
  status: 'ok' | 'error';
  /** What the flows' trace entries hold: everything, or only which node ran, how long and how it failed. */
  traces: 'full' | 'timings';
  /** Operations of every flow, in order, to replay on the stored profile. */
  operations: ProfileOperation[];
  ux: JsonObject[];
  response: JsonObject;
  flows: FlowRunSummary[];
}

export interface PluginBundle {
  script: string;
  manifest: PluginManifest;
}

export interface WorkerSettings {
  limits: Partial<SandboxLimits>;
  maxNodeRuns: number;
}

export type RunOutcome = { id: number; result: EventRunResult } | { id: number; error: NodeError };

/**
 * Host → worker control messages. Everything crosses the worker's channel (see `lines.ts`) as
 * lines of text: a control message is a JSON object, a run the line `<id> <request>`
 * (`encodeRunRequest`), and a batch of outcomes one JSON array (`encodeOutcomes`). Runs queued
 * during one turn of the event loop cross in one write, and so do the outcomes that finish in one.
 */
export type HostMessage =
  | { kind: 'configure'; settings: WorkerSettings; plugins: PluginBundle[] }
  | { kind: 'http-reply'; callId: number; reply: string };

/** Worker → host control messages. */
export type WorkerMessage =
  | { kind: 'ready' }
  | {
      kind: 'http';
      callId: number;
      requestJson: string;
      /** The node's declared hosts; null when it declared no http permission. */
      hosts: string[] | null;
      use?: CapabilityUse;
    }
  | { kind: 'mail'; callId: number; requestJson: string; use: CapabilityUse }
  | { kind: 'http-abort'; callId: number };

/** The worker's file descriptor of its channel to the host (see `lines.ts`). */
export const CHANNEL_FD = 3;

/** JSON text never holds a raw NUL (`JSON.stringify` escapes it), so it separates the parts. */
const SEPARATOR = '\u0000';

/**
 * A run request as one text: the flows and options, then the event, profile and session, each as
 * its own JSON text, so the worker can hand those texts to the sandbox as they are.
 */
export function encodeRunRequest(request: EventRunRequest): string {
  const { event, profile, session, ...rest } = request;
  return [rest, event, profile, session].map((part) => JSON.stringify(part)).join(SEPARATOR);
}

/** The request `encodeRunRequest` wrote; `parse` reads the event, profile and session texts. */
export function decodeRunRequest(
  text: string,
  parse: (json: string, part: 'event' | 'profile' | 'session') => unknown = (json) => JSON.parse(json),
): EventRunRequest {
  const [rest, event, profile, session] = text.split(SEPARATOR) as [string, string, string, string];
  return {
    ...(JSON.parse(rest) as Omit<EventRunRequest, 'event' | 'profile' | 'session'>),
    event: parse(event, 'event') as JsonObject,
    profile: parse(profile, 'profile') as JsonObject | null,
    session: parse(session, 'session') as JsonObject | null,
  };
}

export function encodeOutcomes(outcomes: readonly RunOutcome[]): string {
  return JSON.stringify(outcomes);
}

export function decodeOutcomes(text: string): RunOutcome[] {
  return JSON.parse(text) as RunOutcome[];
}
