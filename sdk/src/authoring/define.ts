import type { Static } from '@sinclair/typebox';
// The standalone builder keeps bundles small: `Type` would pull all of TypeBox into every plugin.
import { type TObject, type TSchema, Object as TypeObject, String as TypeString } from '@sinclair/typebox';
import type { NodeManifest } from '../contract.js';
import type { NodeContext, NodeDefinition, NodeRunReturn, PluginDefinition } from './types.js';

/** What `defineNode` accepts: the node's manifest fields and its `run` function. */
export interface NodeOptions<ConfigSchema extends TObject, Outputs extends readonly string[]> {
  /** Unique within the plugin: lower-case letters, digits and dashes, e.g. `score-sentiment`. */
  id: string;
  title: string;
  description: string;
  /** Palette group in the editor, e.g. `logic`, `data`, `connectors`. */
  category: string;
  icon?: string;
  /** Input port names; leave empty for a node that starts a flow. */
  inputs: readonly string[];
  /** Output port names; `ctx.emit` accepts only these. */
  outputs: Outputs;
  /** TypeBox object schema of the config; `ctx.config` is typed from it. Defaults to no config. */
  config?: ConfigSchema;
  /** Capabilities the node uses, e.g. `{ http: { hosts: ['api.example.com'] } }`. */
  permissions?: NodeManifest['permissions'];
  /** Resource types the config may reference, e.g. `['smtp']`. */
  resources?: readonly string[];
  run(
    ctx: NodeContext<Static<ConfigSchema>, Outputs[number]>,
  ): NodeRunReturn<Outputs[number]> | Promise<NodeRunReturn<Outputs[number]>>;
}

/**
 * Declare a workflow node. The config schema is written once with TypeBox: the editor renders
 * the form from it, the host validates it, and `run` receives `ctx.config` typed from it.
 *
 * @example
 * ```ts
 * import { Type } from '@sinclair/typebox';
 * import { defineNode } from '@cairn/sdk';
 *
 * export const threshold = defineNode({
 *   id: 'threshold',
 *   title: 'Threshold',
 *   description: 'Routes the payload by comparing a profile counter with a limit',
 *   category: 'logic',
 *   inputs: ['payload'],
 *   outputs: ['above', 'below'],
 *   config: Type.Object({ counter: Type.String(), limit: Type.Number({ default: 10 }) }),
 *   run(ctx) {
 *     const stats = ctx.profile.stats as { [name: string]: number } | undefined;
 *     const value = stats?.[ctx.config.counter] ?? 0;
 *     return ctx.emit(value > ctx.config.limit ? 'above' : 'below', ctx.payload);
 *   },
 * });
 * ```
 */
export function defineNode<
  const Outputs extends readonly string[],
  ConfigSchema extends TObject = TObject<Record<never, TSchema>>,
>(options: NodeOptions<ConfigSchema, Outputs>): NodeDefinition<ConfigSchema, Outputs> {
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    category: options.category,
    ...(options.icon === undefined ? {} : { icon: options.icon }),
    inputs: options.inputs,
    outputs: options.outputs,
    config: options.config ?? (TypeObject({}) as TObject as ConfigSchema),
    permissions: options.permissions ?? {},
    resources: options.resources ?? [],
    run: options.run,
  };
}

/**
 * Declare a plugin: a versioned package of nodes. The entry file of a plugin must
 * `export default` the value returned here; `cairn-plugin build` bundles it and derives
 * `manifest.json` from it.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@cairn/sdk';
 * import { threshold } from './threshold.js';
 *
 * export default definePlugin({
 *   name: '@acme/plugin-scoring',
 *   version: '1.0.0',
 *   title: 'Scoring',
 *   description: 'Nodes that score customers',
 *   cairn: '^0.1.0',
 *   nodes: [threshold],
 * });
 * ```
 */
export function definePlugin<const Plugin extends PluginDefinition>(plugin: Plugin): Plugin {
  return plugin;
}

/** The JSON Schema keyword that marks a config field holding a resource id. */
export const RESOURCE_KEYWORD = 'x-cairn-resource';

/**
 * A config field that names a resource (stored credentials) of one type. The editor offers a
 * picker of resources of that type; the server checks the reference when the flow is saved and
 * gives the node the resource's public settings through `ctx.resources.get(id)`.
 *
 * @example
 * ```ts
 * config: Type.Object({ server: Resource('smtp'), subject: Type.String() })
 * ```
 */
export function Resource(type: string, options: { title?: string; description?: string } = {}) {
  return TypeString({ minLength: 1, ...options, [RESOURCE_KEYWORD]: type });
}
