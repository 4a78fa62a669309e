import ivm from 'isolated-vm';
import { createPluginRuntime } from '../runtime/plugin-runtime.js';

/** Host functions installed into an isolate: the only way its code reaches the outside. */
export interface IsolateCapabilities {
  log(level: string, message: string): void;
  /** Answers a request JSON with a reply JSON; the isolate blocks until it settles. */
  fetch(requestJson: string): Promise<string>;
  /** The JSON of an input section of the call in progress that its request left out (none if omitted). */
  section?(index: number): string;
}

/** Compiled-code cache shared by the isolates one plugin version goes through. */
export interface ScriptCache {
  data?: ivm.ExternalCopy<ArrayBuffer>;
}

/**
 * Runs inside the isolate before the plugin script: captures the capabilities in a closure
 * (nothing is left on `globalThis`) and returns the entry points the host calls.
 */
function bootstrap(
  createRuntime: typeof createPluginRuntime,
  log: (level: string, message: string) => void,
  fetchRef: { applySyncPromise(receiver: undefined, args: [string]): string },
  section: (index: number) => string,
  outputLimit: number,
) {
  // WebAssembly memory is allocated outside the V8 heap and escapes the isolate's memory limit.
  delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  const host = {
    log,
    fetch: (requestJson: string) => fetchRef.applySyncPromise(undefined, [requestJson]),
    section,
  };
  let runtime: ReturnType<typeof createPluginRuntime> | undefined;
  const attach = () => {
    const exported = (globalThis as { __cairnPlugin?: { default?: unknown } }).__cairnPlugin;
    runtime = createRuntime(exported?.default, host, outputLimit);
    return runtime.describe();
  };
  // One entry per capability set, so a call crosses with a single string argument.
  const invokeSync = (request: string) =>
    runtime === undefined ? undefined : runtime.invoke(request, false);
  const invokeAsync = (request: string) =>
    runtime === undefined ? undefined : runtime.invoke(request, true);
  const take = () => (runtime === undefined ? undefined : runtime.take());
  return [attach, invokeSync, invokeAsync, take];
}

const noSection = (): string => {
  throw new Error('this isolate serves no node calls');
};

/** CPU budget for a bundle's top-level code and self-description; paid once per isolate. */
const LOAD_TIMEOUT_MS = 5000;
/** `take` only hands over a string the isolate already holds. */
const TAKE_OPTIONS = { timeout: 100 };

const BOOTSTRAP_SOURCE = `return (${bootstrap.toString()})((${createPluginRuntime.toString()}), $0, $1, $2, $3);`;

/**
 * One isolate and context holding one plugin script: compiled once, reused for every call
 * until a limit kills it. A call crosses as one string (node id and input JSON sections joined
 * by NUL, see `PluginRuntime.invoke`) and its reply comes back as one JSON string: the cheapest
 * copies isolated-vm offers.
 */
export class IsolateInstance {
  readonly isolate: ivm.Isolate;
  readonly #invokeSync: ivm.Reference<(request: string) => string | undefined>;
  readonly #invokeAsync: ivm.Reference<(request: string) => string | undefined>;
  readonly #take: ivm.Reference<() => string | undefined>;
  /** The plugin's self-description (`{ ok, manifest }` JSON) produced while loading. */
  readonly description: string;
  /** `applySync` options, reused while the CPU limit stays the same. */
  #callOptions: { timeout: number } = { timeout: 0 };

  constructor(
    script: string,
    memoryMb: number,
    outputLimit: number,
    capabilities: IsolateCapabilities,
    cache: ScriptCache,
  ) {
    this.isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    try {
      const context = this.isolate.createContextSync();
      const entries = context.evalClosureSync(
        BOOTSTRAP_SOURCE,
        [
          new ivm.Callback(capabilities.log),
          new ivm.Reference(capabilities.fetch),
          new ivm.Callback(capabilities.section ?? noSection),
          outputLimit,
        ],
        { result: { reference: true } },
      );
      // isolated-vm sets `cachedData` on the script it returns, which its typings leave out.
      const compiled: ivm.Script & ivm.CachedDataResult = this.isolate.compileScriptSync(script, {
        filename: 'file:///plugin.js',
        ...(cache.data === undefined ? { produceCachedData: true } : { cachedData: cache.data }),
      });
      if (compiled.cachedData !== undefined) cache.data = compiled.cachedData;
      compiled.runSync(context, { timeout: LOAD_TIMEOUT_MS });
      compiled.release();
      const attach = entries.getSync(0, { reference: true });
      this.#invokeSync = entries.getSync(1, { reference: true });
      this.#invokeAsync = entries.getSync(2, { reference: true });
      this.#take = entries.getSync(3, { reference: true });
      this.description = String(attach.applySync(undefined, [], { timeout: LOAD_TIMEOUT_MS }));
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Run a node on the calling thread (no capability may await the host). */
  invokeSync(request: string, cpuMs: number): string | undefined {
    return this.#invokeSync.applySync(undefined, [request], this.#options(cpuMs)) ?? this.takeSync();
  }

  /** Run a node on the isolate's own thread, so it may block on asynchronous capabilities. */
  async invokeAsync(request: string, cpuMs: number): Promise<string | undefined> {
    const reply = await this.#invokeAsync.apply(undefined, [request], this.#options(cpuMs));
    return reply ?? this.takeSync();
  }

  #options(cpuMs: number): { timeout: number } {
    if (this.#callOptions.timeout !== cpuMs) this.#callOptions = { timeout: cpuMs };
    return this.#callOptions;
  }

  /** The reply of a node whose `run` promise settled in the microtasks after the call returned. */
  takeSync(): string | undefined {
    return this.#take.applySync(undefined, [], TAKE_OPTIONS);
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}
