import type { Static, TObject } from '@sinclair/typebox';
import type { Json, JsonObject, NodeManifest } from '../contract.js';

/** A read-only view of a value: what a node receives is a frozen copy, mutating it throws. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** One payload sent out of one declared output port; create it with `ctx.emit(port, payload)`. */
export interface Emission<Port extends string = string> {
  readonly port: Port;
  readonly payload: Json;
}

/** What `run` may return: one emission, several, or nothing (the branch stops here). */
export type NodeRunReturn<Port extends string = string> =
  | Emission<Port>
  | readonly Emission<Port>[]
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `run` end without a return statement
  | void;

/** Profile operations recorded by `ctx.profile.*`; applied by the host after the node returns. */
export interface ProfileOperations {
  /** Set `path` (dot notation, e.g. `traits.plan`) to a JSON value. */
  set(path: string, value: unknown): void;
  /** Remove the value at `path`. */
  unset(path: string): void;
  /** Add `by` (default 1) to the number at `path`; a missing value counts as 0. */
  increment(path: string, by?: number): void;
  /** Append a value to the list at `path`; a missing list is created. */
  append(path: string, value: unknown): void;
}

/**
 * The current profile: its data as read-only properties (`ctx.profile.traits`) plus the
 * operations that change it. An event without a profile gives an empty view.
 */
export type ProfileView = ProfileOperations & { readonly [key: string]: DeepReadonly<Json> | undefined };

export interface HttpRequestInit {
  /** `GET` unless given. */
  method?: string;
  headers?: Record<string, string>;
  /** Request body as text; serialise JSON yourself and set `content-type`. */
  body?: string;
  /**
   * Id of a resource (from the node's config) whose credential the host adds to the request:
   * a bearer token, basic auth or an API-key header. The plugin never sees the secret, and the
   * request may also go to the host of the resource's configured base URL.
   */
  resource?: string;
  /**
   * Sign the body: the host sets `header` to `sha256=<hex HMAC-SHA256 of the body>`, keyed with the
   * secret of this `http-auth` resource, which the node never sees.
   */
  sign?: { resource: string; header: string };
  /** Retry 429 and 5xx answers and network failures: up to 5 more attempts, `delayMs` doubling (default 200). */
  retry?: { attempts: number; delayMs?: number };
  /** Time limit of one attempt in ms (default 5000, at most 30000). */
  timeoutMs?: number;
}

/** A resource's public settings (its secrets stay on the host). */
export interface ResourceInfo {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly config: DeepReadonly<JsonObject>;
}

export interface MailMessage {
  /** Id of an `smtp` resource from the node's config. */
  resource: string;
  to: string | string[];
  subject: string;
  text?: string;
  html?: string;
  /** Defaults to the resource's `from`. */
  from?: string;
  replyTo?: string;
}

export interface MailReceipt {
  readonly messageId: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  /** The body decoded as UTF-8 text. */
  body: string;
  /** Parse the body as JSON; throws if it is not JSON. */
  json<T = Json>(): T;
}

/**
 * Everything a node's `run` gets. Data (`event`, `profile`, `session`, `payload`, `config`,
 * `flow`) are frozen copies; everything that changes the world is recorded and handed to the
 * host when `run` returns.
 */
export interface NodeContext<Config, Port extends string> {
  readonly event: DeepReadonly<JsonObject>;
  readonly profile: ProfileView;
  readonly session: DeepReadonly<JsonObject> | null;
  /** What arrived on the node's input port. */
  readonly payload: DeepReadonly<Json>;
  /** The node's config, validated by the host against the node's config schema. */
  readonly config: DeepReadonly<Config>;
  /** Flow-level values: `{ id, name, version, node: { id } }` and values set by earlier nodes. */
  readonly flow: DeepReadonly<JsonObject>;
  readonly segments: {
    add(segment: string): void;
    remove(segment: string): void;
  };
  readonly consents: {
    /** Grant a consent; `revokeAt` (ISO-8601 text or a Date) schedules its end. */
    grant(consent: string, options?: { revokeAt?: string | Date }): void;
    revoke(consent: string): void;
    /** Whether the profile holds this consent now (lapsed grants do not count, default-granted types do). */
    has(consent: string): boolean;
  };
  readonly ux: {
    /** Ask the tracker on the page to show a widget, e.g. `{ type: 'banner', text: 'Hi' }`. */
    show(widget: { [key: string]: unknown }): void;
  };
  readonly response: {
    /** Put a value into the `response` object returned to the caller of `/track`. */
    set(key: string, value: unknown): void;
  };
  readonly log: {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
  /** Outbound HTTP through the host; only hosts in the node's `permissions.http.hosts` are reachable. */
  readonly http: {
    fetch(url: string, init?: HttpRequestInit): Promise<HttpResponse>;
  };
  /** E-mail through an `smtp` resource; needs `permissions.smtp`. The host logs in, the node never sees the password. */
  readonly smtp: {
    send(message: MailMessage): Promise<MailReceipt>;
  };
  /** Public settings of the resources the flow's configs name. */
  readonly resources: {
    get(id: string): ResourceInfo | undefined;
  };
  /** Build an emission for a declared output port; return it (or an array of them) from `run`. */
  emit<P extends Port>(port: P, payload?: unknown): Emission<P>;
}

/** A node as written by a plugin author: manifest data plus the `run` function. */
export interface NodeDefinition<
  ConfigSchema extends TObject = TObject,
  Outputs extends readonly string[] = readonly string[],
> {
  id: string;
  title: string;
  description: string;
  category: string;
  icon?: string;
  inputs: readonly string[];
  outputs: Outputs;
  config: ConfigSchema;
  permissions: NodeManifest['permissions'];
  resources: readonly string[];
  run(
    ctx: NodeContext<Static<ConfigSchema>, Outputs[number]>,
  ): NodeRunReturn<Outputs[number]> | Promise<NodeRunReturn<Outputs[number]>>;
}

/** A plugin as written by its author; `export default` it from the plugin's entry file. */
export interface PluginDefinition {
  name: string;
  version: string;
  title: string;
  description: string;
  cairn: string;
  // biome-ignore lint/suspicious/noExplicitAny: nodes of different config and port types live in one list
  nodes: readonly NodeDefinition<any, any>[];
}
