import type { LogEntry, NodeRunResult } from '../contract.js';

/**
 * Why a node call failed:
 * - `timeout`: the CPU or wall-time limit was hit;
 * - `memory`: the isolate ran out of its memory limit and was killed;
 * - `output-too-large`: the serialized result (logs included) exceeded the output limit;
 * - `crashed`: the isolate died for another reason;
 * - `invalid-result`: the node answered something that is not a valid `NodeRunResult`;
 * - `plugin-error`: the node's own code threw (or rejected).
 */
export type SandboxErrorCode =
  | 'timeout'
  | 'memory'
  | 'output-too-large'
  | 'crashed'
  | 'invalid-result'
  | 'permission-denied'
  | 'plugin-error';

export interface SandboxFailure {
  code: SandboxErrorCode;
  message: string;
}

/** The outcome of one node call: a validated result, or a failure with the logs written before it. */
export type NodeCallOutcome =
  | { ok: true; result: NodeRunResult }
  | { ok: false; error: SandboxFailure; logs: LogEntry[] };

/** A failed node call as an exception, for callers that prefer `try`/`catch` (the test harness). */
export class SandboxError extends Error {
  readonly code: SandboxErrorCode;
  readonly logs: LogEntry[];
  constructor(failure: SandboxFailure, logs: LogEntry[] = []) {
    super(failure.message);
    this.name = 'SandboxError';
    this.code = failure.code;
    this.logs = logs;
  }
}
