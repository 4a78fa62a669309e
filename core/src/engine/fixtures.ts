import type { Json, JsonObject, NodeManifest, NodeRunInput, NodeRunResult, PluginManifest } from '@cairn/sdk';
import type { Flow, FlowEdge, FlowNode } from './model.js';
import type { NodeRunFailure } from './node-result.js';
import type { NodeExecutor } from './run.js';

/** Small shared fixtures for the engine's specs: one test plugin and a function-table executor. */

export const PLUGIN = '@cairn/plugin-test';
export const VERSION = '1.0.0';

function manifest(id: string, inputs: string[], outputs: string[], config: JsonObject = {}): NodeManifest {
  return {
    id,
    title: id,
    description: `test node ${id}`,
    category: 'test',
    inputs,
    outputs,
    config: { type: 'object', ...config },
    permissions: {},
    resources: [],
  };
}

export const testPlugin: PluginManifest = {
  name: PLUGIN,
  version: VERSION,
  title: 'Test nodes',
  description: 'Nodes used by the engine specs',
  cairn: '^0.1.0',
  nodes: [
    manifest('start', [], ['out']),
    manifest('pass', ['in'], ['out']),
    manifest('if', ['in'], ['true', 'false']),
    manifest('merge', ['left', 'right'], ['out']),
    manifest('risky', ['in'], ['out', 'error']),
    manifest('score', ['in'], ['out'], {
      properties: { threshold: { type: 'number', maximum: 1 }, label: { type: 'string' } },
      required: ['threshold'],
      additionalProperties: false,
    }),
  ],
};

/** A flow node of the test plugin; `kind` is the node id in the plugin. */
export function node(id: string, kind: string, config: JsonObject = {}): FlowNode {
  return {
    id,
    type: 'cairn',
    position: { x: 0, y: 0 },
    data: { plugin: PLUGIN, version: VERSION, node: kind, config },
  };
}

export function edge(source: string, port: string, target: string, input = 'in'): FlowEdge {
  return {
    id: `${source}.${port}-${target}.${input}`,
    source,
    sourceHandle: port,
    target,
    targetHandle: input,
  };
}

export function flow(nodes: FlowNode[], edges: FlowEdge[]): Flow {
  return { nodes, edges };
}

/** A node result with nothing in it but what the test names. */
export function result(parts: Partial<NodeRunResult> = {}): NodeRunResult {
  return { emissions: [], operations: [], ux: [], response: {}, logs: [], ...parts };
}

export function emit(port: string, ...payloads: Json[]): NodeRunResult {
  return result({ emissions: payloads.map((payload) => ({ port, payload })) });
}

type Behaviour = (
  input: NodeRunInput,
) => NodeRunResult | NodeRunFailure | Promise<NodeRunResult | NodeRunFailure>;

export interface RecordingExecutor extends NodeExecutor {
  /** Every call in order: which node ran and what it was given. */
  calls: { nodeId: string; input: NodeRunInput }[];
}

/**
 * An executor that looks a node's behaviour up by node id. A node without an entry forwards its
 * payload on `out`, which is what most nodes in a routing spec need.
 */
export function executor(table: Record<string, Behaviour> = {}): RecordingExecutor {
  const calls: RecordingExecutor['calls'] = [];
  return {
    calls,
    async execute(flowNode, input) {
      calls.push({ nodeId: flowNode.id, input });
      const behaviour = table[flowNode.id] ?? ((given: NodeRunInput) => emit('out', given.payload));
      return behaviour(input);
    },
  };
}

/** A clock that advances by `step` milliseconds every time it is read. */
export function steppingClock(step = 5): () => number {
  let now = 0;
  return () => {
    now += step;
    return now;
  };
}

export const event: JsonObject = { id: 'ev-1', type: 'review-submitted', properties: { stars: 2 } };
export const profile: JsonObject = { id: 'p-1', traits: { name: 'Ada' }, stats: { visits: 3 } };
