import {
  type Json,
  type LogEntry,
  type LogLevel,
  type NodeManifest,
  type NodeRunInput,
  operationTarget,
  type PluginManifest,
  type PortEmission,
  profileWriteAllowed,
} from '../contract.js';
import { parsePluginManifest } from '../manifest/validate.js';
import type { NodeCallOutcome, SandboxFailure } from './errors.js';
import { type CapabilityUse, HttpCapability } from './http-capability.js';
import { type IsolateCapabilities, IsolateInstance, type ScriptCache } from './isolate-instance.js';
import { resolveLimits, type SandboxLimits } from './limits.js';
import { checkNodeReply } from './result-validation.js';
import { sealedText } from './sealed-input.js';

/** A built plugin: its bundled script and its manifest (see `loadBuiltPlugin`). */
export interface LoadedPlugin {
  script: string;
  manifest: PluginManifest;
}

export interface PluginSandboxOptions {
  limits?: Partial<SandboxLimits>;
  /** The `http` capability; one is created with default settings if omitted. */
  http?: HttpCapability;
}

/** State of the node call in progress; host functions consult it, never the isolate's word. */
interface ActiveCall {
  node: NodeManifest;
  logs: LogEntry[];
  logBytes: number;
  overflow: boolean;
  /** Cancels the call's http requests; only nodes with `permissions.http` get one. */
  abort: AbortController | null;
  /** The input, for the sections the request left out. */
  input: NodeRunInput;
  /** The JSON text of each section the isolate received during the call, by section index. */
  texts: (string | undefined)[];
  /** Set when a section asked for turned out not to be JSON: the call then rejects with it. */
  inputError: TypeError | null;
}

const LOG_LEVELS = new Set<string>(['info', 'warn', 'error']);
const MAX_LOG_MESSAGE = 8 * 1024;

const json = (value: unknown): string => {
  const sealed = sealedText(value);
  if (sealed !== undefined) return sealed;
  try {
    return JSON.stringify(value ?? null);
  } catch (error) {
    throw new TypeError(`node input is not JSON: ${(error as Error).message}`);
  }
};

/** The input sections in the order of the request. */
const SECTIONS = ['event', 'profile', 'session', 'payload', 'config', 'flow'] as const;
const ALL_SECTIONS = (1 << SECTIONS.length) - 1;
/**
 * Section texts up to this length are remembered on both sides of the boundary, so a section
 * whose text is the one sent last time crosses as `=` instead (the runtime's `REPEAT_TEXT_LIMIT`).
 */
const REPEAT_TEXT_LIMIT = 64 * 1024;

/**
 * A call as the isolate runtime expects it: the node id, then the input sections as JSON texts,
 * joined by NUL. Sections outside `sent` (a bit per section) are left empty for the runtime to
 * ask for if the node reads them; a section whose text is the one `last` says the isolate got
 * last time at that place crosses as `=` (copying text into an isolate costs about a nanosecond a
 * character). A value sealed with `sealInput` is not serialised again, and a section that is the
 * very same object as the event (a start node's payload) is serialised once. Fills `texts` with
 * the text of every section sent.
 */
function encodeRequest(
  nodeId: string,
  input: NodeRunInput,
  sent: number,
  last: (string | undefined)[],
  texts: (string | undefined)[],
): string {
  let request = nodeId;
  let event: string | undefined;
  for (let index = 0; index < SECTIONS.length; index += 1) {
    if ((sent & (1 << index)) === 0) {
      request += '\u0000';
      continue;
    }
    const value = input[SECTIONS[index] as (typeof SECTIONS)[number]];
    const text = index === 3 && value === input.event && event !== undefined ? event : json(value);
    if (index === 0) event = text;
    texts[index] = text;
    if (text === last[index]) {
      request += '\u0000=';
    } else {
      request += `\u0000${text}`;
      last[index] = text.length <= REPEAT_TEXT_LIMIT ? text : undefined;
    }
  }
  return request;
}

/** The reply of a call whose emissions pass on input sections unchanged: `=<emission>:<section>,…;<reply>`. */
const REFERENCES = /^=((?:\d+:\d+,)*);/;

function failure(code: SandboxFailure['code'], message: string): SandboxFailure {
  return { code, message };
}

/**
 * One plugin version in its own isolate. The isolate, its context and the compiled script are
 * created on first use and reused for every call; a call that hits a limit or kills the isolate
 * fails with a typed error and the next call gets a fresh isolate.
 *
 * Nodes without `permissions.http` run synchronously on the calling thread (a few µs per call);
 * nodes with it run on isolated-vm's thread pool so `ctx.http.fetch` can wait for the host.
 * Calls to one sandbox are served one at a time, in order.
 */
export class PluginSandbox {
  readonly manifest: PluginManifest;
  readonly limits: SandboxLimits;
  readonly #script: string;
  readonly #http: HttpCapability;
  readonly #nodes: Map<string, NodeManifest>;
  readonly #cache: ScriptCache = {};
  /**
   * Per node, the input sections (a bit each) its calls have read. A synchronous call sends only
   * these; one that reads another section asks the host for it, and later calls send it too.
   */
  readonly #reads = new Map<string, number>();
  #instance: IsolateInstance | null = null;
  /** The section texts the current isolate received last, by section index (see `encodeRequest`). */
  #lastTexts: (string | undefined)[] = [];
  #active: ActiveCall | null = null;
  #queue: Promise<unknown> | null = null;
  #isolatesCreated = 0;
  #disposed = false;

  /** Throws `ManifestError` if the manifest is invalid; the isolate is built on the first call. */
  constructor(plugin: LoadedPlugin, options: PluginSandboxOptions = {}) {
    this.manifest = parsePluginManifest(plugin.manifest);
    this.limits = resolveLimits(options.limits);
    this.#script = plugin.script;
    this.#http = options.http ?? new HttpCapability();
    this.#nodes = new Map(plugin.manifest.nodes.map((node) => [node.id, node]));
  }

  /** How many isolates this sandbox has built: 1 while healthy, +1 per rebuild after a failure. */
  get isolatesCreated(): number {
    return this.#isolatesCreated;
  }

  /**
   * Run one node with copies of `input`, taken as it is when the call starts. Node failures come
   * back as values. The promise rejects only on host bugs: with a `TypeError` when a section of
   * `input` the node reads cannot be serialised as JSON (sections it never reads are never
   * serialised), or when host code running during the call calls this sandbox again.
   */
  call(nodeId: string, input: NodeRunInput): Promise<NodeCallOutcome> {
    if (this.#queue === null) {
      let outcome: NodeCallOutcome | Promise<NodeCallOutcome>;
      try {
        outcome = this.#start(nodeId, input);
      } catch (error) {
        return Promise.reject(error);
      }
      if (!(outcome instanceof Promise)) return Promise.resolve(outcome);
      return this.#track(outcome);
    }
    return this.#track(this.#queue.then(() => this.#start(nodeId, input)));
  }

  /** Release the isolate; the sandbox refuses calls afterwards. */
  dispose(): void {
    this.#disposed = true;
    this.#instance?.dispose();
    this.#instance = null;
  }

  #track(pending: Promise<NodeCallOutcome>): Promise<NodeCallOutcome> {
    // The queue waits for each call to end, whether it resolved or rejected.
    const ended: Promise<unknown> = pending.then(
      () => undefined,
      () => undefined,
    );
    this.#queue = ended;
    void ended.then(() => {
      if (this.#queue === ended) this.#queue = null;
    });
    return pending;
  }

  #start(nodeId: string, input: NodeRunInput): NodeCallOutcome | Promise<NodeCallOutcome> {
    const node = this.#nodes.get(nodeId);
    if (node === undefined) {
      return {
        ok: false,
        error: failure('plugin-error', `${this.manifest.name} has no node '${nodeId}'`),
        logs: [],
      };
    }
    if (this.#disposed) {
      return {
        ok: false,
        error: failure('crashed', `sandbox of ${this.manifest.name} is disposed`),
        logs: [],
      };
    }
    let instance: IsolateInstance;
    try {
      instance = this.#ensureInstance();
    } catch (error) {
      return {
        ok: false,
        error: failure('crashed', `plugin failed to load: ${(error as Error).message}`),
        logs: [],
      };
    }
    if (this.#active !== null) {
      // Host code run during a call (a `toJSON` of an input read late) called this sandbox again.
      throw new Error(`sandbox of ${this.manifest.name} was called again while a call was running`);
    }
    const sync = node.permissions.http === undefined && node.permissions.smtp !== true;
    // A synchronous call holds the host's thread until it ends, so sections serialised during the
    // call are the input as it was when the call began. An asynchronous one lets other host code
    // run meanwhile: it gets every section up front.
    const texts: (string | undefined)[] = [];
    let request: string;
    try {
      request = encodeRequest(
        nodeId,
        input,
        sync ? (this.#reads.get(nodeId) ?? 0) : ALL_SECTIONS,
        this.#lastTexts,
        texts,
      );
    } catch (error) {
      // Part of the request may have been remembered as sent; the isolate got none of it.
      this.#lastTexts = [];
      throw error;
    }
    const call: ActiveCall = {
      node,
      logs: [],
      logBytes: 0,
      overflow: false,
      abort: null,
      input,
      texts,
      inputError: null,
    };
    this.#active = call;
    if (sync) {
      let outcome: NodeCallOutcome;
      try {
        outcome = this.#finish(call, instance, instance.invokeSync(request, this.limits.cpuMs));
      } catch (error) {
        outcome = this.#finishWithError(call, instance, error, false);
      }
      if (call.inputError !== null) throw call.inputError;
      return outcome;
    }
    call.abort = new AbortController();
    return this.#runAsync(call, instance, call.abort, request);
  }

  /** Host function: the JSON of a section the call in progress left out of its request. */
  #section(index: number): string {
    const call = this.#active;
    const name = Number.isInteger(index) ? SECTIONS[index] : undefined;
    if (call === null || name === undefined) throw new Error('no such input section in a node call');
    const nodeId = call.node.id;
    this.#reads.set(nodeId, (this.#reads.get(nodeId) ?? 0) | (1 << index));
    try {
      const text = json(call.input[name]);
      call.texts[index] = text;
      return text;
    } catch (error) {
      call.inputError = error as TypeError;
      throw error;
    }
  }

  async #runAsync(call: ActiveCall, instance: IsolateInstance, abort: AbortController, request: string) {
    let wallExpired = false;
    const timer = setTimeout(() => {
      wallExpired = true;
      abort.abort(new Error('wall-time limit reached'));
      instance.dispose();
    }, this.limits.wallMs);
    try {
      const reply = await instance.invokeAsync(request, this.limits.cpuMs);
      return this.#finish(call, instance, reply);
    } catch (error) {
      return this.#finishWithError(call, instance, error, wallExpired);
    } finally {
      clearTimeout(timer);
    }
  }

  #ensureInstance(): IsolateInstance {
    if (this.#instance !== null && !this.#instance.isolate.isDisposed) return this.#instance;
    this.#instance = null;
    const capabilities: IsolateCapabilities = {
      log: (level, message) => this.#log(level, message),
      fetch: (requestJson) => this.#fetch(requestJson),
      section: (index) => this.#section(index),
    };
    this.#isolatesCreated += 1;
    // A fresh isolate has received nothing yet.
    this.#lastTexts = [];
    const instance = new IsolateInstance(
      this.#script,
      this.limits.memoryMb,
      this.limits.outputBytes,
      capabilities,
      this.#cache,
    );
    this.#instance = instance;
    return instance;
  }

  #log(level: string, message: string): void {
    const call = this.#active;
    if (call === null) return;
    const text = String(message).slice(0, MAX_LOG_MESSAGE);
    call.logBytes += Buffer.byteLength(text) + 48;
    if (call.logBytes > this.limits.outputBytes) {
      call.overflow = true;
      throw new Error(`log: output limit of ${this.limits.outputBytes} bytes reached`);
    }
    const entry: LogEntry = {
      level: (LOG_LEVELS.has(level) ? level : 'info') as LogLevel,
      message: text,
      time: new Date().toISOString(),
    };
    call.logs.push(entry);
  }

  /**
   * Host function for the capabilities that wait on the host: `http.fetch` and `smtp.send`.
   * Permissions come from the node's manifest and the host's copy of the input (which says which
   * credential set applies), never from what the isolate says.
   */
  async #fetch(requestJson: string): Promise<string> {
    const call = this.#active;
    if (call === null || call.abort === null) {
      return JSON.stringify({ ok: false, error: 'this node has no capability that waits on the host' });
    }
    const { node, abort } = call;
    const flow = call.input.flow as { credentials?: unknown } | null | undefined;
    const use: CapabilityUse = {
      plugin: `${this.manifest.name}@${this.manifest.version}`,
      node,
      credentialSet: flow?.credentials === 'test' ? 'test' : 'production',
    };
    const text = String(requestJson);
    if (text.startsWith('{"capability":"smtp"')) {
      if (node.permissions.smtp !== true)
        return JSON.stringify({ ok: false, error: 'this node has no smtp permission' });
      return this.#http.mail(text, use, abort.signal);
    }
    return this.#http.handle(text, node.permissions.http?.hosts ?? null, abort.signal, use);
  }

  #discard(instance: IsolateInstance): void {
    instance.dispose();
    if (this.#instance === instance) this.#instance = null;
  }

  #fail(call: ActiveCall, instance: IsolateInstance, code: SandboxFailure['code'], message: string) {
    if (code === 'output-too-large') this.#discard(instance);
    const outcome: NodeCallOutcome = { ok: false, error: failure(code, message), logs: call.logs };
    return outcome;
  }

  #finish(call: ActiveCall, instance: IsolateInstance, reply: string | undefined): NodeCallOutcome {
    this.#active = null;
    const limit = this.limits.outputBytes;
    if (typeof reply !== 'string') {
      return this.#fail(
        call,
        instance,
        'plugin-error',
        `node '${call.node.id}' returned a promise that never settled`,
      );
    }
    if (call.overflow) {
      return this.#fail(
        call,
        instance,
        'output-too-large',
        `log output exceeded the limit of ${limit} bytes`,
      );
    }
    if (reply.length * 3 + call.logBytes > limit && Buffer.byteLength(reply) + call.logBytes > limit) {
      return this.#fail(
        call,
        instance,
        'output-too-large',
        `result of ${Buffer.byteLength(reply)} bytes exceeds the limit of ${limit} bytes`,
      );
    }
    let body = reply;
    let references: RegExpExecArray | null = null;
    if (reply.charCodeAt(0) === 61 /* = */) {
      references = REFERENCES.exec(reply);
      if (references === null)
        return this.#fail(call, instance, 'invalid-result', 'the node reply is not JSON');
      body = reply.slice(references[0].length);
    }
    let parsed: { ok?: unknown; stage?: unknown; message?: unknown; length?: unknown; result?: unknown };
    try {
      parsed = JSON.parse(body);
    } catch {
      return this.#fail(call, instance, 'invalid-result', 'the node reply is not JSON');
    }
    // The short form of a call that recorded nothing but emissions: the emissions array alone.
    if (Array.isArray(parsed))
      parsed = { ok: true, result: { emissions: parsed, operations: [], ux: [], response: {} } };
    if (parsed === null || typeof parsed !== 'object')
      return this.#fail(call, instance, 'invalid-result', 'the node reply is not an object');
    if (parsed.ok !== true) {
      if (parsed.stage === 'size') {
        return this.#fail(
          call,
          instance,
          'output-too-large',
          `result of ${String(parsed.length)} characters exceeds the limit of ${limit} bytes`,
        );
      }
      if (parsed.stage === 'serialize')
        return this.#fail(call, instance, 'invalid-result', `result is not JSON: ${String(parsed.message)}`);
      return this.#fail(call, instance, 'plugin-error', String(parsed.message));
    }
    const checked = checkNodeReply(parsed.result, call.node, body);
    if (!checked.ok) {
      return this.#fail(
        call,
        instance,
        'invalid-result',
        `node '${call.node.id}' returned an invalid result: ${checked.message}`,
      );
    }
    const { emissions, operations, ux, response } = checked.value;
    // The manifest is the authority: a profile change outside the declared paths fails the call.
    const writable = call.node.permissions.profile?.write;
    for (const operation of operations) {
      const target = operationTarget(operation);
      if (!profileWriteAllowed(writable, target)) {
        return this.#fail(
          call,
          instance,
          'permission-denied',
          `node '${call.node.id}' changed the profile at '${target}', which its permissions.profile.write does not declare`,
        );
      }
    }
    if (references !== null && !this.#passOn(call, emissions, references[1]!)) {
      return this.#fail(call, instance, 'invalid-result', 'the node reply names an input it did not receive');
    }
    return { ok: true, result: { emissions, operations, ux, response, logs: call.logs } };
  }

  /**
   * Fills in the emissions the reply says pass on an input section unchanged: with the caller's
   * own value when it is sealed (immutable, so sharing it is safe), else with a fresh copy parsed
   * from the text the isolate received, which is what the node would have sent back. The payload
   * then crosses the boundary once instead of three times. False when a reference is invalid.
   */
  #passOn(call: ActiveCall, emissions: PortEmission[], references: string): boolean {
    for (const reference of references.split(',')) {
      if (reference === '') continue;
      const [at, section] = reference.split(':').map(Number) as [number, number];
      const emission = emissions[at];
      const text = call.texts[section];
      if (emission === undefined || text === undefined) return false;
      const value = call.input[SECTIONS[section]!];
      emission.payload = sealedText(value) === undefined ? (JSON.parse(text) as Json) : (value as Json);
    }
    return true;
  }

  #finishWithError(
    call: ActiveCall,
    instance: IsolateInstance,
    error: unknown,
    wallExpired: boolean,
  ): NodeCallOutcome {
    this.#active = null;
    const message = error instanceof Error ? error.message : String(error);
    const disposed = instance.isolate.isDisposed;
    this.#discard(instance);
    let result: SandboxFailure;
    if (wallExpired) {
      result = failure(
        'timeout',
        `node '${call.node.id}' exceeded the wall-time limit of ${this.limits.wallMs} ms`,
      );
    } else if (/timed out/i.test(message)) {
      result = failure('timeout', `node '${call.node.id}' exceeded the CPU limit of ${this.limits.cpuMs} ms`);
    } else if (disposed && /memory limit/i.test(message)) {
      result = failure(
        'memory',
        `node '${call.node.id}' exceeded the memory limit of ${this.limits.memoryMb} MB`,
      );
    } else {
      result = failure('crashed', `the isolate of ${this.manifest.name} crashed: ${message}`);
    }
    return { ok: false, error: result, logs: call.logs };
  }
}
