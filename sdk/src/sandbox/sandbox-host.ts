import { parsePluginManifest } from '../manifest/validate.js';
import { HttpCapability, type HttpCapabilityOptions } from './http-capability.js';
import type { SandboxLimits } from './limits.js';
import { type LoadedPlugin, PluginSandbox } from './plugin-sandbox.js';

export interface SandboxHostOptions {
  /** Limits for every plugin; defaults: 64 MB, 1 s CPU, 10 s wall, 256 KB output per call. */
  limits?: Partial<SandboxLimits>;
  /**
   * The `http` capability: operator settings (allow-list, timeout, size caps), or a ready
   * capability, e.g. one that forwards the calls to another process that performs them.
   */
  http?: HttpCapabilityOptions | HttpCapability;
}

/**
 * Keeps one `PluginSandbox` per loaded plugin version, all sharing the host's limits and
 * capabilities. The server loads a plugin once and calls its nodes for every event.
 *
 * @example
 * ```ts
 * const host = new SandboxHost({ http: { allow: config.httpAllow } });
 * const sandbox = host.load(await loadBuiltPlugin('plugins/scoring/dist'));
 * const outcome = await sandbox.call('threshold', input);
 * if (!outcome.ok) console.warn(outcome.error.code, outcome.error.message);
 * ```
 */
export class SandboxHost {
  readonly #limits: Partial<SandboxLimits>;
  readonly #http: HttpCapability;
  readonly #sandboxes = new Map<string, PluginSandbox>();

  constructor(options: SandboxHostOptions = {}) {
    this.#limits = options.limits ?? {};
    this.#http = options.http instanceof HttpCapability ? options.http : new HttpCapability(options.http);
  }

  /** The sandbox of this plugin version, created on first load. */
  load(plugin: LoadedPlugin): PluginSandbox {
    const manifest = parsePluginManifest(plugin.manifest);
    const key = `${manifest.name}@${manifest.version}`;
    const existing = this.#sandboxes.get(key);
    if (existing !== undefined) return existing;
    const sandbox = new PluginSandbox(
      { script: plugin.script, manifest },
      { limits: this.#limits, http: this.#http },
    );
    this.#sandboxes.set(key, sandbox);
    return sandbox;
  }

  get(name: string, version: string): PluginSandbox | undefined {
    return this.#sandboxes.get(`${name}@${version}`);
  }

  unload(name: string, version: string): void {
    const key = `${name}@${version}`;
    this.#sandboxes.get(key)?.dispose();
    this.#sandboxes.delete(key);
  }

  dispose(): void {
    for (const sandbox of this.#sandboxes.values()) sandbox.dispose();
    this.#sandboxes.clear();
  }
}
