import type { LogEntry, NodeRunResult } from '@cairn/sdk';
import { Type } from '@sinclair/typebox';
import { createAjv, errorMessage, errorPath } from './json-schema.js';

/** A node call that failed as a value rather than by throwing, e.g. a sandbox timeout. */
export interface NodeRunFailure {
  error: { code: string; message: string };
  logs?: LogEntry[];
}

const LogEntrySchema = Type.Object({
  level: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  message: Type.String(),
  time: Type.String(),
});

/**
 * What a node call must answer. Operations are only checked to be tagged objects here:
 * `applyOperations` checks each one and names the faulty field.
 */
const NodeRunResultSchema = Type.Object({
  emissions: Type.Array(Type.Object({ port: Type.String({ minLength: 1 }), payload: Type.Unknown() })),
  operations: Type.Array(Type.Object({ op: Type.String() })),
  ux: Type.Array(Type.Object({})),
  response: Type.Object({}),
  logs: Type.Array(LogEntrySchema),
});

const NodeRunFailureSchema = Type.Object({
  error: Type.Object({ code: Type.String({ minLength: 1 }), message: Type.String() }),
  logs: Type.Optional(Type.Array(LogEntrySchema)),
});

const ajv = createAjv(true);
const checkResult = ajv.compile<NodeRunResult>(NodeRunResultSchema);
const checkFailure = ajv.compile<NodeRunFailure>(NodeRunFailureSchema);

export type CheckedOutcome =
  | { kind: 'result'; result: NodeRunResult }
  | { kind: 'failure'; failure: NodeRunFailure }
  | { kind: 'invalid'; message: string };

/** Sorts what an executor answered into a result or a failure, or says what is wrong with it. */
export function checkOutcome(value: unknown): CheckedOutcome {
  const isFailure = typeof value === 'object' && value !== null && 'error' in value;
  const check = isFailure ? checkFailure : checkResult;
  if (isFailure && checkFailure(value)) return { kind: 'failure', failure: value };
  if (!isFailure && checkResult(value)) return { kind: 'result', result: value };
  const reasons = (check.errors ?? []).map((error) => errorMessage(errorPath('result', error), error));
  return { kind: 'invalid', message: `node answered with an invalid result: ${reasons.join('; ')}` };
}
