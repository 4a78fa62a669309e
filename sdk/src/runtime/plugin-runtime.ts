/**
 * The node runtime that lives inside the sandbox isolate.
 *
 * `createPluginRuntime`'s source text is evaluated inside each isolate, so its body must be
 * self-contained: no imports, no references to anything declared outside the function, no
 * syntax that the compiler would lower into helpers. It turns JSON input into a frozen `ctx`,
 * records what the node asks for, and answers with a JSON string the host validates. Nothing
 * here is trusted by the host: plugin code shares this realm and can tamper with it, which only
 * ever affects its own, host-validated, results.
 */

/** Host functions the runtime calls; in the isolate they are the installed capabilities. */
export interface RuntimeHost {
  log(level: string, message: string): void;
  /** Takes a JSON request and answers a JSON reply, synchronously (the isolate waits). */
  fetch(requestJson: string): string;
  /** The JSON of an input section (0 event … 5 flow) the host left out of the current request. */
  section(index: number): string;
}

export interface PluginRuntime {
  /** The plugin's self-description as manifest JSON. */
  describe(): string;
  /**
   * Run a node. `request` holds the node id, then the JSON of event, profile, session, payload,
   * config and flow, in that order, separated by NUL characters (which JSON text never contains
   * unescaped). A section the host left out is empty (no JSON text is): it is asked for with
   * `host.section` when the node first reads it. A section that is `=` has the text this runtime
   * received at that place last time (texts up to 64 K characters are remembered), so unchanged
   * sections need not be copied into the isolate again. Returns the reply JSON, or `undefined`
   * while `run`'s promise is pending. The reply is `{ ok: true, result }`, `{ ok: false, stage,
   * ... }`, or, for a call that recorded nothing but emissions, just the emissions array; either
   * form may be preceded by `=<emission>:<section>,…;` when emissions pass on an input section
   * unchanged, their payload then left `null` for the host to fill in from its own input.
   */
  invoke(request: string, allowFetch: boolean): string | undefined;
  /** The reply of the last invocation whose promise settled after `invoke` returned. */
  take(): string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the plugin object comes from untrusted code and is inspected field by field
type Loose = any;

export function createPluginRuntime(plugin: Loose, host: RuntimeHost, outputLimit: number): PluginRuntime {
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const freeze = Object.freeze;
  const keys = Object.keys;
  const isArray = Array.isArray;
  const defineProperty = Object.defineProperty;
  // Every definition is described (so the build sees duplicates); calls go to the first with an id.
  const definitions: Loose[] =
    plugin !== null && typeof plugin === 'object' && isArray(plugin.nodes)
      ? plugin.nodes.filter((node: Loose) => node !== null && typeof node === 'object')
      : [];
  const nodes = new Map<string, Loose>();
  for (const node of definitions) {
    if (typeof node.id === 'string' && !nodes.has(node.id)) nodes.set(node.id, node);
  }
  let settled: string | undefined;
  // A promise from an earlier call may settle during a later one; only the latest call answers.
  let invocation = 0;

  const deepFreeze = (value: Loose): Loose => {
    if (value !== null && typeof value === 'object') {
      if (isArray(value)) {
        for (let index = 0; index < value.length; index += 1) deepFreeze(value[index]);
      } else {
        const names = keys(value);
        for (let index = 0; index < names.length; index += 1) deepFreeze(value[names[index] as string]);
      }
      freeze(value);
    }
    return value;
  };
  // Values are kept by reference and serialised once when the node returns; only values JSON
  // cannot represent at all are refused here, where the author sees the failing call.
  const jsonValue = (what: string, value: unknown): unknown => {
    const type = typeof value;
    if (value === undefined || type === 'function' || type === 'symbol' || type === 'bigint') {
      throw new TypeError(`${what}: value must be JSON (got ${type})`);
    }
    return value;
  };
  const requireText = (what: string, value: unknown): string => {
    if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
    return value;
  };
  const errorText = (error: unknown): string =>
    error instanceof Error ? `${error.name}: ${error.message}` : `thrown value: ${String(error)}`;
  const sized = (text: string): string =>
    text.length > outputLimit ? stringify({ ok: false, stage: 'size', length: text.length }) : text;
  const reply = (body: unknown): string => {
    let text: string | undefined;
    try {
      text = stringify(body);
    } catch (error) {
      return stringify({ ok: false, stage: 'serialize', message: errorText(error) });
    }
    if (text === undefined)
      return stringify({ ok: false, stage: 'serialize', message: 'result is not JSON' });
    return sized(text);
  };

  /**
   * Parsed, deep-frozen input sections by their JSON text. Consecutive calls often carry the same
   * event, session, profile or payload (and one node its same config), so a section whose text
   * equals the last one seen at its place is not parsed and frozen again. Sharing is safe: the
   * values are deep-frozen, so no call can change what a later call reads.
   */
  const lastText: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  const lastValue: Loose[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  /** Texts above this size are not kept between calls, so the cache never holds much memory. */
  const CACHE_TEXT_LIMIT = 64 * 1024;
  /**
   * The texts received in the last request at each place of a request (index 1 is the event),
   * for sections sent as `=`. The host remembers the same texts under the same size limit.
   */
  const received: (string | undefined)[] = [];
  const REPEAT_TEXT_LIMIT = 64 * 1024;
  const EVENT = 0;
  const PAYLOAD = 3;
  const CONFIG = 4;
  const PROFILE = 1;

  /** What the runtime keeps per node: its declared outputs and its `emit`, built on first call. */
  interface NodeEntry {
    readonly node: Loose;
    readonly nodeId: string;
    readonly outputs: readonly string[];
    readonly emit: (port: string, payload?: unknown) => unknown;
    configText: string | undefined;
    config: Loose;
  }
  const entries = new Map<string, NodeEntry>();
  const entryFor = (nodeId: string, node: Loose): NodeEntry => {
    let entry = entries.get(nodeId);
    if (entry !== undefined && entry.node === node) return entry;
    const outputs: readonly string[] = freeze(
      isArray(node.outputs) ? node.outputs.filter((port: unknown) => typeof port === 'string') : [],
    );
    const emit = freeze((port: string, payload: unknown = null) => {
      if (!outputs.includes(port)) {
        throw new Error(
          `emit: '${port}' is not an output of node '${nodeId}' (outputs: ${outputs.join(', ')})`,
        );
      }
      return { port, payload: jsonValue(`emit '${port}'`, payload) };
    });
    entry = { node, nodeId, outputs, emit, configText: undefined, config: undefined };
    entries.set(nodeId, entry);
    return entry;
  };

  /** What one node call has recorded so far, its input texts, and the facets built for it. */
  class CallState {
    readonly operations: unknown[] = [];
    readonly ux: unknown[] = [];
    readonly response: Record<string, unknown> = Object.create(null);
    open = true;
    /** Parsed sections of this call, so every read in one call sees the same object. */
    readonly parsed: Loose[] = [undefined, undefined, undefined, undefined, undefined, undefined];
    profile: ProfileView | undefined;
    segments: Loose;
    consents: Loose;
    ux_: Loose;
    response_: Loose;
    log: Loose;
    http: Loose;
    resources: Loose;
    smtp: Loose;
    constructor(
      readonly entry: NodeEntry,
      readonly texts: string[],
      readonly allowFetch: boolean,
      readonly invocation: number,
    ) {}
    record(what: string, operation?: unknown): void {
      if (!this.open) throw new Error(`${what}: the node call has already finished`);
      if (operation !== undefined) this.operations.push(operation);
    }
    section(index: number): Loose {
      const own = this.parsed[index];
      if (own !== undefined) return own;
      let text = this.texts[index + 1] ?? 'null';
      if (text === '') {
        // Left out by the host; only the call in progress may ask for its own input.
        if (!this.open || this.invocation !== invocation) {
          throw new Error('ctx: the node call has already finished; read its input while it runs');
        }
        text = String(host.section(index));
      }
      const entry = this.entry;
      let value: Loose;
      if (index === CONFIG) {
        if (entry.configText === text) value = entry.config;
        else {
          value = deepFreeze(parse(text));
          if (text.length <= CACHE_TEXT_LIMIT) {
            entry.configText = text;
            entry.config = value;
          }
        }
      } else if (lastText[index] === text) {
        value = lastValue[index];
      } else if ((index === EVENT || index === PAYLOAD) && lastText[EVENT + PAYLOAD - index] === text) {
        // A payload that is the event (a start node's, and what nodes pass on): parsed once.
        value = lastValue[EVENT + PAYLOAD - index];
        lastText[index] = text;
        lastValue[index] = value;
      } else {
        value = deepFreeze(parse(text));
        if (text.length <= CACHE_TEXT_LIMIT) {
          lastText[index] = text;
          lastValue[index] = value;
        }
      }
      this.parsed[index] = value;
      return value;
    }
  }

  /** The profile's data as own properties, its operations on the prototype. */
  class ProfileView {
    readonly #call: CallState;
    constructor(call: CallState, data: Loose) {
      this.#call = call;
      if (data !== null && typeof data === 'object' && !isArray(data)) {
        // `data` is deep-frozen already; its values are shared, not copied. Assignment is the
        // cheap way to add a property; a key the prototype chain already knows (`__proto__`,
        // a method name, anything plugin code defined there) is defined instead, so no setter
        // runs and nothing inherited is consulted. `freeze` makes both kinds read-only.
        const names = keys(data);
        const view = this as Loose;
        for (let index = 0; index < names.length; index += 1) {
          const key = names[index] as string;
          if (key in view) defineProperty(view, key, { value: data[key], enumerable: true });
          else view[key] = data[key];
        }
      }
      freeze(this);
    }
    set(path: string, value: unknown) {
      this.#call.record('profile.set', {
        op: 'set',
        path: requireText('profile.set path', path),
        value: jsonValue('profile.set', value),
      });
    }
    unset(path: string) {
      this.#call.record('profile.unset', { op: 'unset', path: requireText('profile.unset path', path) });
    }
    increment(path: string, by = 1) {
      if (typeof by !== 'number' || !Number.isFinite(by)) {
        throw new TypeError('profile.increment: by must be a finite number');
      }
      this.#call.record('profile.increment', {
        op: 'increment',
        path: requireText('profile.increment path', path),
        by,
      });
    }
    append(path: string, value: unknown) {
      this.#call.record('profile.append', {
        op: 'append',
        path: requireText('profile.append path', path),
        value: jsonValue('profile.append', value),
      });
    }
  }

  /**
   * `ctx`: data sections are parsed and frozen on first access (or taken from the cache above),
   * facets are built on first use; a trivial node pays for none of them.
   */
  class NodeCallContext {
    readonly #call: CallState;
    readonly emit;

    constructor(call: CallState) {
      this.#call = call;
      this.emit = call.entry.emit;
      freeze(this);
    }

    get segments() {
      const call = this.#call;
      call.segments ??= {
        add: (segment: string) =>
          call.record('segments.add', {
            op: 'segment.add',
            segment: requireText('segments.add segment', segment),
          }),
        remove: (segment: string) =>
          call.record('segments.remove', {
            op: 'segment.remove',
            segment: requireText('segments.remove segment', segment),
          }),
      };
      return call.segments;
    }
    get consents() {
      const call = this.#call;
      call.consents ??= {
        grant: (consent: string, options?: { revokeAt?: string | Date }) => {
          const operation: Record<string, unknown> = {
            op: 'consent.grant',
            consent: requireText('consents.grant consent', consent),
          };
          const revokeAt = options?.revokeAt;
          if (revokeAt instanceof Date) operation.revokeAt = revokeAt.toISOString();
          else if (revokeAt !== undefined) operation.revokeAt = revokeAt;
          call.record('consents.grant', operation);
        },
        revoke: (consent: string) =>
          call.record('consents.revoke', {
            op: 'consent.revoke',
            consent: requireText('consents.revoke consent', consent),
          }),
        // The host sends the consents that hold now (lapsed grants dropped, defaults added).
        has: (consent: string) => {
          const profile = call.section(1);
          const consents = profile !== null && typeof profile === 'object' ? profile.consents : undefined;
          return (
            consents !== null && typeof consents === 'object' && Object.hasOwn(consents, String(consent))
          );
        },
      };
      return call.consents;
    }
    get resources() {
      const call = this.#call;
      call.resources ??= {
        /** The public settings of a resource the flow uses; secrets never reach the isolate. */
        get: (id: string) => {
          const flow = call.section(5);
          const known = flow !== null && typeof flow === 'object' ? flow.resources : undefined;
          return known !== null && typeof known === 'object' && Object.hasOwn(known, String(id))
            ? known[String(id)]
            : undefined;
        },
      };
      return call.resources;
    }
    get smtp() {
      const call = this.#call;
      call.smtp ??= {
        send: async (message: Loose) => {
          call.record('smtp.send');
          if (!call.allowFetch) {
            throw new Error(`smtp.send: node '${call.entry.nodeId}' declares no permissions.smtp`);
          }
          const request = {
            capability: 'smtp',
            resource: requireText('smtp.send resource', message?.resource),
            message: {
              to: isArray(message?.to) ? message.to.map(String) : [String(message?.to ?? '')],
              subject: String(message?.subject ?? ''),
              ...(message?.text !== undefined ? { text: String(message.text) } : {}),
              ...(message?.html !== undefined ? { html: String(message.html) } : {}),
              ...(message?.from !== undefined ? { from: String(message.from) } : {}),
              ...(message?.replyTo !== undefined ? { replyTo: String(message.replyTo) } : {}),
            },
          };
          const answer = parse(host.fetch(stringify(request)));
          if (answer.ok !== true) throw new Error(`smtp.send: ${answer.error}`);
          return freeze(answer.receipt);
        },
      };
      return call.smtp;
    }
    get ux() {
      const call = this.#call;
      call.ux_ ??= {
        show: (widget: unknown) => {
          call.record('ux.show');
          call.ux.push(jsonValue('ux.show', widget));
        },
      };
      return call.ux_;
    }
    get response() {
      const call = this.#call;
      call.response_ ??= {
        set: (key: string, value: unknown) => {
          call.record('response.set');
          call.response[requireText('response.set key', key)] = jsonValue('response.set', value);
        },
      };
      return call.response_;
    }
    get log() {
      const call = this.#call;
      if (call.log === undefined) {
        const line = (level: string) => (message: string) => {
          call.record(`log.${level}`);
          host.log(level, String(message));
        };
        call.log = { info: line('info'), warn: line('warn'), error: line('error') };
      }
      return call.log;
    }
    get http() {
      const call = this.#call;
      call.http ??= {
        fetch: async (
          url: string,
          init?: {
            method?: string;
            headers?: Record<string, string>;
            body?: string;
            resource?: string;
            sign?: { resource?: string; header?: string };
            retry?: { attempts?: number; delayMs?: number };
            timeoutMs?: number;
          },
        ) => {
          call.record('http.fetch');
          if (!call.allowFetch) {
            throw new Error(`http.fetch: node '${call.entry.nodeId}' declares no permissions.http.hosts`);
          }
          const request = {
            url: String(url),
            method: init?.method ?? 'GET',
            headers: init?.headers ?? {},
            body: init?.body ?? null,
            ...(init?.resource !== undefined
              ? { resource: requireText('http.fetch resource', init.resource) }
              : {}),
            ...(init?.sign !== undefined
              ? { sign: { resource: String(init.sign?.resource), header: String(init.sign?.header) } }
              : {}),
            ...(init?.retry !== undefined
              ? {
                  retry: {
                    attempts: Number(init.retry?.attempts ?? 0),
                    delayMs: Number(init.retry?.delayMs ?? 200),
                  },
                }
              : {}),
            ...(init?.timeoutMs !== undefined ? { timeoutMs: Number(init.timeoutMs) } : {}),
          };
          const answer = parse(host.fetch(stringify(request)));
          if (answer.ok !== true) throw new Error(`http.fetch ${request.url}: ${answer.error}`);
          const body: string = answer.body;
          return freeze({
            status: answer.status,
            headers: freeze(answer.headers),
            body,
            json: () => parse(body),
          });
        },
      };
      return call.http;
    }

    get event() {
      return this.#call.section(0);
    }
    get profile() {
      const call = this.#call;
      call.profile ??= new ProfileView(call, call.section(PROFILE));
      return call.profile;
    }
    get session() {
      return this.#call.section(2);
    }
    get payload() {
      return this.#call.section(3);
    }
    get config() {
      return this.#call.section(CONFIG);
    }
    get flow() {
      return this.#call.section(5);
    }
  }

  const describe = (): string => {
    if (definitions.length === 0) {
      return stringify({
        ok: false,
        message: 'the entry must `export default definePlugin({ ... })` with at least one node',
      });
    }
    const manifest = {
      name: plugin.name,
      version: plugin.version,
      title: plugin.title,
      description: plugin.description,
      cairn: plugin.cairn,
      nodes: definitions.map((node) => ({
        id: node.id,
        title: node.title,
        description: node.description,
        category: node.category,
        icon: node.icon,
        inputs: node.inputs,
        outputs: node.outputs,
        config: node.config,
        permissions: node.permissions,
        resources: node.resources,
      })),
    };
    return stringify({ ok: true, manifest });
  };

  /**
   * The reply of a finished call, assembled from its parts: the runtime's own lists are
   * serialised only when not empty. Anything unusual (a part JSON cannot represent, or that
   * serialises to nothing) takes the general path, which reports it.
   */
  const complete = (call: CallState, returned: unknown): string => {
    call.open = false;
    let emissions: Loose[] =
      returned === undefined || returned === null ? [] : isArray(returned) ? returned : [returned];
    const { operations, ux, response } = call;
    // Payloads that are an input section itself (a node passing its payload or the event on)
    // are named, not copied: the host already holds them.
    let references = '';
    try {
      const parsed = call.parsed;
      for (let index = 0; index < emissions.length; index += 1) {
        const emission = emissions[index];
        if (emission === null || typeof emission !== 'object') continue;
        const payload = emission.payload;
        if (payload === null || typeof payload !== 'object') continue;
        const section = parsed.indexOf(payload);
        if (section < 0) continue;
        if (references === '') emissions = emissions.slice();
        emissions[index] = { port: emission.port, payload: null };
        references += `${index}:${section},`;
      }
    } catch {
      // An emission whose fields cannot be read is left to the paths below, which report it.
      references = '';
      emissions =
        returned === undefined || returned === null ? [] : isArray(returned) ? returned : [returned];
    }
    const prefix = references === '' ? '' : `=${references};`;
    try {
      const emitted = stringify(emissions);
      const recorded = operations.length === 0 ? '[]' : stringify(operations);
      const shown = ux.length === 0 ? '[]' : stringify(ux);
      const answered = keys(response).length === 0 ? '{}' : stringify(response);
      // A call that only emitted answers with its emissions array alone (the host tells the
      // two forms apart by the first character: `[` or `{`).
      if (recorded === '[]' && shown === '[]' && answered === '{}' && emitted?.charCodeAt(0) === 91) {
        return sized(prefix + emitted);
      }
      if (emitted !== undefined && recorded !== undefined && shown !== undefined && answered !== undefined) {
        return sized(
          `${prefix}{"ok":true,"result":{"emissions":${emitted},"operations":${recorded},"ux":${shown},"response":${answered}}}`,
        );
      }
    } catch {
      // The general path below serialises again and reports the error.
    }
    const general = reply({ ok: true, result: { emissions, operations, ux, response } });
    return general.charCodeAt(0) === 123 && general.startsWith('{"ok":true')
      ? sized(prefix + general)
      : general;
  };
  const fail = (call: CallState, error: unknown): string => {
    call.open = false;
    return reply({ ok: false, stage: 'run', message: errorText(error) });
  };

  const invoke = (request: string, allowFetch: boolean): string | undefined => {
    settled = undefined;
    invocation += 1;
    const current = invocation;
    const texts = request.split('\u0000');
    // Resolve and remember repeated sections first, whatever happens to the call: the host
    // counts on this runtime having seen every text it sent.
    let missing = false;
    for (let index = 1; index < texts.length; index += 1) {
      const text = texts[index] as string;
      if (text === '=') {
        const repeated = received[index];
        if (repeated === undefined) missing = true;
        else texts[index] = repeated;
      } else if (text !== '') {
        received[index] = text.length <= REPEAT_TEXT_LIMIT ? text : undefined;
      }
    }
    if (missing)
      return stringify({ ok: false, stage: 'run', message: 'the host repeated an input it never sent' });
    const nodeId = texts[0] as string;
    const node = nodes.get(nodeId);
    const run = node?.run;
    if (typeof run !== 'function') {
      return stringify({ ok: false, stage: 'run', message: `the plugin bundle has no node '${nodeId}'` });
    }
    const call = new CallState(entryFor(nodeId, node), texts, allowFetch, current);
    try {
      const returned = run.call(node, new NodeCallContext(call));
      if (
        returned !== null &&
        typeof returned === 'object' &&
        typeof (returned as Loose).then === 'function'
      ) {
        Promise.resolve(returned).then(
          (value) => {
            if (current === invocation) settled = complete(call, value);
          },
          (error) => {
            if (current === invocation) settled = fail(call, error);
          },
        );
        return undefined;
      }
      return complete(call, returned);
    } catch (error) {
      return fail(call, error);
    }
  };

  const take = (): string | undefined => {
    const value = settled;
    settled = undefined;
    return value;
  };

  return { describe, invoke, take };
}
