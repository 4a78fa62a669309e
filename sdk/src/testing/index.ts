import type { Json, JsonObject, NodeRunInput, NodeRunResult } from '../contract.js';
import { SandboxError } from '../sandbox/errors.js';
import type { HttpCapabilityOptions } from '../sandbox/http-capability.js';
import { HttpCapability } from '../sandbox/http-capability.js';
import type { SandboxLimits } from '../sandbox/limits.js';
import { loadBuiltPlugin } from '../sandbox/load.js';
import { type LoadedPlugin, PluginSandbox } from '../sandbox/plugin-sandbox.js';
import { memoryBroker } from '../sandbox/resources.js';

export type { SandboxErrorCode } from '../sandbox/errors.js';
export { SandboxError } from '../sandbox/errors.js';

export interface RunNodeOptions {
  /** A directory written by `cairn-plugin build`, or the built script and manifest. */
  plugin: string | LoadedPlugin;
  /** The node id within the plugin. */
  node: string;
  event?: JsonObject;
  profile?: JsonObject | null;
  session?: JsonObject | null;
  payload?: Json;
  config?: JsonObject;
  flow?: JsonObject;
  /** Settings of the `http` capability, e.g. `{ allow: ['127.0.0.1'] }` to reach a local test server. */
  http?: HttpCapabilityOptions;
  limits?: Partial<SandboxLimits>;
  /**
   * Resources the node's config may name, by id, with their secrets: the harness injects the
   * credentials into `ctx.http.fetch` and `ctx.smtp.send` the way the server does, and shows the
   * node only `{ id, type, name, config }` through `ctx.resources.get(id)`.
   */
  resources?: Record<
    string,
    { type: string; name?: string; config: JsonObject; secrets: Record<string, string> }
  >;
  /** Run as a debug run does: resources give their test credentials (here: the same values). */
  credentials?: 'production' | 'test';
}

/**
 * Run one node of a built plugin in the real sandbox (the code the server uses) and return
 * what it produced. A failed call throws `SandboxError` with its `code`.
 *
 * @example
 * ```ts
 * import { runNode } from '@cairn/sdk/testing';
 *
 * const result = await runNode({
 *   plugin: 'dist/plugin',
 *   node: 'threshold',
 *   profile: { id: 'p1', stats: { visits: 12 } },
 *   config: { counter: 'visits', limit: 10 },
 *   payload: { hello: 'world' },
 * });
 * expect(result.emissions).to.deep.equal([{ port: 'above', payload: { hello: 'world' } }]);
 * ```
 */
export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
  const plugin = typeof options.plugin === 'string' ? await loadBuiltPlugin(options.plugin) : options.plugin;
  const sandbox = new PluginSandbox(plugin, {
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    http: new HttpCapability({ ...options.http, resources: memoryBroker(options.resources ?? {}) }),
  });
  const publicResources = Object.fromEntries(
    Object.entries(options.resources ?? {}).map(([id, r]) => [
      id,
      { id, type: r.type, name: r.name ?? id, config: r.config },
    ]),
  );
  const input: NodeRunInput = {
    event: options.event ?? { id: 'event-1', type: 'page-view', properties: {} },
    profile: options.profile === undefined ? { id: 'profile-1' } : options.profile,
    session: options.session === undefined ? { id: 'session-1' } : options.session,
    payload: options.payload ?? {},
    config: options.config ?? {},
    flow: {
      ...(options.flow ?? { id: 'flow-1', name: 'Test flow', version: 1, node: { id: 'node-1' } }),
      ...(options.resources ? { resources: publicResources } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    } as JsonObject,
  };
  try {
    const outcome = await sandbox.call(options.node, input);
    if (!outcome.ok) throw new SandboxError(outcome.error, outcome.logs);
    return outcome.result;
  } finally {
    sandbox.dispose();
  }
}
export { type Answer, json, type ReceivedRequest, startEndpoint, type TestEndpoint } from './endpoint.js';
