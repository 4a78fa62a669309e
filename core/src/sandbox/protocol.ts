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
  event: JsonObject;
  profile: JsonObject | null;
  session: JsonObject | null;
}

export interface FlowRunSummary {
  flowId: string;
  version: number;
  status: 'ok' | 'error';
  error?: NodeError;
  trace: TraceEntry[];
}

export interface EventRunResult {
  status: 'ok' | 'error';
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
 * Host → worker. Runs (and their outcomes, the other way) travel in batches: everything queued
 * during one turn of the event loop crosses in one message.
 */
export type HostMessage =
  | { kind: 'configure'; settings: WorkerSettings; plugins: PluginBundle[] }
  | { kind: 'run'; runs: { id: number; request: EventRunRequest }[] }
  | { kind: 'http-reply'; callId: number; reply: string };

/** Worker → host. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'done'; outcomes: RunOutcome[] }
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
