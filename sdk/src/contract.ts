/**
 * The contract between a workflow node and the host that runs it.
 *
 * A node call receives read-only copies of the event, profile, session and the payload that
 * arrived on its input, plus its validated config. It answers with port emissions and the
 * side effects it asks the host to apply: profile operations, UX widgets, response values and
 * log lines. The host (engine + sandbox) is the only party that turns these into storage writes.
 */

/**
 * Version of the plugin API this SDK and the server speak. A plugin's manifest declares the range
 * it supports in `cairn` (e.g. `^0.1.0`); a server refuses plugins whose range excludes it.
 */
export const PLUGIN_API_VERSION = '0.1.0';

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

/**
 * The profile path an operation changes: its `path`, `segments` for segment operations and
 * `consents.<id>` for consent operations.
 */
export function operationTarget(operation: ProfileOperation): string {
  switch (operation.op) {
    case 'segment.add':
    case 'segment.remove':
      return 'segments';
    case 'consent.grant':
    case 'consent.revoke':
      return `consents.${operation.consent}`;
    default:
      return operation.path;
  }
}

/**
 * Whether a node that declared `patterns` in `permissions.profile.write` may change `target`: a
 * pattern allows its own path and everything below it (`traits` allows `traits.plan`), and `*`
 * allows every path.
 */
export function profileWriteAllowed(patterns: readonly string[] | undefined, target: string): boolean {
  if (!patterns) return false;
  return patterns.some((p) => p === '*' || target === p || target.startsWith(`${p}.`));
}

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

/** A JSON Schema object (draft 2020-12 subset, as produced by TypeBox). */
export type JsonSchema = { [key: string]: unknown };

/** What a node declares about itself; read by the server and the editor without running plugin code. */
export interface NodeManifest {
  /** Unique within the plugin, e.g. `if`, `set-value`. */
  id: string;
  title: string;
  description: string;
  /** Palette group, e.g. `logic`, `data`, `connectors`. */
  category: string;
  icon?: string;
  /** Input port names; a start node has none. */
  inputs: string[];
  /** Output port names, e.g. `['true', 'false']`. An `error` port, if declared, receives failures. */
  outputs: string[];
  /** JSON Schema of the node's config. */
  config: JsonSchema;
  /**
   * Capabilities the node may use, e.g. `{ http: { hosts: ['api.example.com'] } }`. `smtp: true`
   * lets it send e-mail through an `smtp` resource its config names. `profile.write` lists the
   * profile paths its operations may change (see `profileWriteAllowed`); a node without it may
   * change nothing on the profile.
   */
  permissions: { http?: { hosts: string[] }; smtp?: boolean; profile?: { write: string[] } };
  /** Resource types the node's config may reference, e.g. `['smtp']`. */
  resources: string[];
}

export interface PluginManifest {
  /** npm-style package name, e.g. `@cairn/plugin-logic`. */
  name: string;
  /** Semver version of the plugin. */
  version: string;
  title: string;
  description: string;
  /** Semver range of the Cairn plugin API the plugin was built for. */
  cairn: string;
  nodes: NodeManifest[];
}
