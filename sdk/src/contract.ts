/**
 * The contract between a workflow node and the host that runs it.
 *
 * A node call receives read-only copies of the event, profile, session and the payload that
 * arrived on its input, plus its validated config. It answers with port emissions and the
 * side effects it asks the host to apply: profile operations, UX widgets, response values and
 * log lines. The host (engine + sandbox) is the only party that turns these into storage writes.
 */

/** JSON value as it crosses the sandbox boundary. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * A change a node asks for on the current profile. Paths are relative to the profile object,
 * e.g. `traits.plan`, `data.contact.email.main`, `stats.counters.reviews`, `interests.shoes`.
 * Operations are applied in order, first to the in-flight copy the next node sees, then
 * atomically to the stored profile when the event's flows have finished.
 */
export type ProfileOperation =
  | { op: 'set'; path: string; value: Json }
  | { op: 'unset'; path: string }
  | { op: 'increment'; path: string; by: number }
  | { op: 'append'; path: string; value: Json }
  | { op: 'segment.add'; segment: string }
  | { op: 'segment.remove'; segment: string }
  | { op: 'consent.grant'; consent: string; revokeAt?: string }
  | { op: 'consent.revoke'; consent: string };

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** ISO-8601 time the line was written. */
  time: string;
}

/** One payload sent out of one output port. */
export interface PortEmission {
  port: string;
  payload: Json;
}

/** Everything a node call produced. */
export interface NodeRunResult {
  emissions: PortEmission[];
  operations: ProfileOperation[];
  ux: JsonObject[];
  response: JsonObject;
  logs: LogEntry[];
}

/** What a node call is given. All values are copies: mutating them changes nothing. */
export interface NodeRunInput {
  event: JsonObject;
  profile: JsonObject | null;
  session: JsonObject | null;
  payload: Json;
  config: JsonObject;
  /** Flow-level values: `{ id, name, version, node: { id } }` and anything set by earlier nodes. */
  flow: JsonObject;
}
