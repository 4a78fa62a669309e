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
}

export interface PluginRuntime {
  /** The plugin's self-description as manifest JSON. */
  describe(): string;
  /**
   * Run a node. `input` holds the JSON of event, profile, session, payload, config and flow,
   * in that order, separated by NUL characters (which JSON text never contains unescaped).
   * Returns the reply JSON, or `undefined` while `run`'s promise is pending.
   */
  invoke(nodeId: string, input: string, allowFetch: boolean): string | undefined;
  /** The reply of the last invocation whose promise settled after `invoke` returned. */
  take(): string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the plugin object comes from untrusted code and is inspected field by field
type Loose = any;

export function createPluginRuntime(plugin: Loose, host: RuntimeHost, outputLimit: number): PluginRuntime {
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const freeze = Object.freeze;
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
        for (const key in value) deepFreeze(value[key]);
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
  const reply = (body: unknown): string => {
    let text: string | undefined;
    try {
      text = stringify(body);
    } catch (error) {
      return stringify({ ok: false, stage: 'serialize', message: errorText(error) });
    }
    if (text === undefined)
      return stringify({ ok: false, stage: 'serialize', message: 'result is not JSON' });
    if (text.length > outputLimit) return stringify({ ok: false, stage: 'size', length: text.length });
    return text;
  };

  /** What one node call has recorded so far; closed when the call finishes. */
  class CallState {
    readonly operations: unknown[] = [];
    readonly ux: unknown[] = [];
    readonly response: Record<string, unknown> = Object.create(null);
    open = true;
    constructor(
      readonly nodeId: string,
      readonly outputs: readonly string[],
      readonly allowFetch: boolean,
    ) {}
    record(what: string, operation?: unknown): void {
      if (!this.open) throw new Error(`${what}: the node call has already finished`);
      if (operation !== undefined) this.operations.push(operation);
    }
  }

  /** The profile's data as own properties, its operations on the prototype. */
  class ProfileView {
    readonly #call: CallState;
    constructor(call: CallState, data: Loose) {
      this.#call = call;
      if (data !== null && typeof data === 'object' && !isArray(data)) {
        for (const key of Object.keys(data)) {
          defineProperty(this, key, { value: deepFreeze(data[key]), enumerable: true });
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

  /** `ctx`: data sections are parsed and frozen on first access, most nodes read only a few. */
  class NodeCallContext {
    readonly #call: CallState;
    readonly #sections: string[];
    readonly #parsed: Loose[] = [undefined, undefined, undefined, undefined, undefined, undefined];
    #profile: ProfileView | undefined;
    #segments: Loose;
    #consents: Loose;
    #ux: Loose;
    #response: Loose;
    #log: Loose;
    #http: Loose;
    readonly emit;

    constructor(call: CallState, sections: string[]) {
      this.#call = call;
      this.#sections = sections;
      this.emit = (port: string, payload: unknown = null) => {
        if (!call.outputs.includes(port)) {
          throw new Error(
            `emit: '${port}' is not an output of node '${call.nodeId}' (outputs: ${call.outputs.join(', ')})`,
          );
        }
        return { port, payload: jsonValue(`emit '${port}'`, payload) };
      };
      freeze(this);
    }

    // Facets are built on first use: a trivial node pays for none of them.
    get segments() {
      const call = this.#call;
      this.#segments ??= {
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
      return this.#segments;
    }
    get consents() {
      const call = this.#call;
      this.#consents ??= {
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
      };
      return this.#consents;
    }
    get ux() {
      const call = this.#call;
      this.#ux ??= {
        show: (widget: unknown) => {
          call.record('ux.show');
          call.ux.push(jsonValue('ux.show', widget));
        },
      };
      return this.#ux;
    }
    get response() {
      const call = this.#call;
      this.#response ??= {
        set: (key: string, value: unknown) => {
          call.record('response.set');
          call.response[requireText('response.set key', key)] = jsonValue('response.set', value);
        },
      };
      return this.#response;
    }
    get log() {
      const call = this.#call;
      const line = (level: string) => (message: string) => {
        call.record(`log.${level}`);
        host.log(level, String(message));
      };
      this.#log ??= { info: line('info'), warn: line('warn'), error: line('error') };
      return this.#log;
    }
    get http() {
      const call = this.#call;
      this.#http ??= {
        fetch: async (
          url: string,
          init?: { method?: string; headers?: Record<string, string>; body?: string },
        ) => {
          call.record('http.fetch');
          if (!call.allowFetch) {
            throw new Error(`http.fetch: node '${call.nodeId}' declares no permissions.http.hosts`);
          }
          const request = {
            url: String(url),
            method: init?.method ?? 'GET',
            headers: init?.headers ?? {},
            body: init?.body ?? null,
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
      return this.#http;
    }

    #section(index: number): Loose {
      const cached = this.#parsed[index];
      if (cached !== undefined) return cached;
      const value = deepFreeze(parse(this.#sections[index] ?? 'null'));
      this.#parsed[index] = value;
      return value;
    }
    get event() {
      return this.#section(0);
    }
    get profile() {
      if (this.#profile === undefined)
        this.#profile = new ProfileView(this.#call, parse(this.#sections[1] ?? 'null'));
      return this.#profile;
    }
    get session() {
      return this.#section(2);
    }
    get payload() {
      return this.#section(3);
    }
    get config() {
      return this.#section(4);
    }
    get flow() {
      return this.#section(5);
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

  const invoke = (nodeId: string, input: string, allowFetch: boolean): string | undefined => {
    settled = undefined;
    invocation += 1;
    const current = invocation;
    const node = nodes.get(nodeId);
    if (node === undefined || typeof node.run !== 'function') {
      return stringify({ ok: false, stage: 'run', message: `the plugin bundle has no node '${nodeId}'` });
    }
    const call = new CallState(nodeId, isArray(node.outputs) ? node.outputs : [], allowFetch);
    const ctx = new NodeCallContext(call, input.split('\u0000'));
    const complete = (returned: unknown): string => {
      call.open = false;
      const emissions =
        returned === undefined || returned === null ? [] : isArray(returned) ? returned : [returned];
      return reply({
        ok: true,
        result: { emissions, operations: call.operations, ux: call.ux, response: call.response },
      });
    };
    const fail = (error: unknown): string => {
      call.open = false;
      return reply({ ok: false, stage: 'run', message: errorText(error) });
    };
    try {
      const returned = node.run(ctx);
      if (
        returned !== null &&
        typeof returned === 'object' &&
        typeof (returned as Loose).then === 'function'
      ) {
        Promise.resolve(returned).then(
          (value) => {
            if (current === invocation) settled = complete(value);
          },
          (error) => {
            if (current === invocation) settled = fail(error);
          },
        );
        return undefined;
      }
      return complete(returned);
    } catch (error) {
      return fail(error);
    }
  };

  const take = (): string | undefined => {
    const value = settled;
    settled = undefined;
    return value;
  };

  return { describe, invoke, take };
}
