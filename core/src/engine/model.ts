import type { JsonObject } from '@cairn/sdk';
import { type Static, Type } from '@sinclair/typebox';
import { createAjv, errorMessage, errorPath } from './json-schema.js';

const Name = Type.String({ minLength: 1 });

/** Which installed node a flow node runs: plugin package, exact plugin version, node id. */
export const NodeRefSchema = Type.Object({
  plugin: Name,
  version: Name,
  node: Name,
});

/**
 * One node as Vue Flow stores it. Extra Vue Flow properties (`label`, `selected`, `width`, ...)
 * are allowed and ignored.
 */
export const FlowNodeSchema = Type.Object({
  id: Name,
  type: Type.String(),
  position: Type.Object({ x: Type.Number(), y: Type.Number() }),
  data: Type.Composite([NodeRefSchema, Type.Object({ config: Type.Unsafe<JsonObject>({ type: 'object' }) })]),
});

/** One connection: from an output port (`sourceHandle`) to an input port (`targetHandle`). */
export const FlowEdgeSchema = Type.Object({
  id: Name,
  source: Name,
  sourceHandle: Name,
  target: Name,
  targetHandle: Name,
});

/** A workflow graph in Vue Flow's JSON shape. */
export const FlowSchema = Type.Object({
  nodes: Type.Array(FlowNodeSchema),
  edges: Type.Array(FlowEdgeSchema),
});

export type NodeRef = Static<typeof NodeRefSchema>;
export type FlowNode = Static<typeof FlowNodeSchema>;
export type FlowEdge = Static<typeof FlowEdgeSchema>;
export type Flow = Static<typeof FlowSchema>;

/** Why a flow cannot be saved or run. */
export type FlowErrorCode =
  | 'invalid_shape'
  | 'duplicate_node_id'
  | 'duplicate_edge_id'
  | 'unknown_source_node'
  | 'unknown_target_node'
  | 'cycle'
  | 'plugin_not_installed'
  | 'unknown_node'
  | 'unknown_output_port'
  | 'unknown_input_port'
  | 'duplicate_edge'
  | 'no_start_node'
  | 'multiple_start_nodes'
  | 'unreachable_node'
  | 'invalid_config'
  | 'invalid_config_schema'
  | 'unknown_resource'
  | 'wrong_resource_type';

/** One problem in a flow, naming the node or edge and the field (`nodes[2].data.config.threshold`). */
export interface FlowError {
  code: FlowErrorCode;
  message: string;
  nodeId?: string;
  edgeId?: string;
  path?: string;
}

const checkFlow = createAjv(true).compile<Flow>(FlowSchema);

const ITEM = /^(nodes|edges)\[(\d+)\]/;

function idAt(value: unknown, list: string, index: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const items = (value as Record<string, unknown>)[list];
  if (!Array.isArray(items)) return undefined;
  const item: unknown = items[index];
  if (typeof item !== 'object' || item === null) return undefined;
  const id = (item as Record<string, unknown>).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Checks that a value has the flow JSON shape; every error names the field by its path. */
export function parseFlow(value: unknown): { ok: true; flow: Flow } | { ok: false; errors: FlowError[] } {
  if (checkFlow(value)) return { ok: true, flow: value };
  const errors = (checkFlow.errors ?? []).map((error): FlowError => {
    const path = errorPath('', error);
    const found: FlowError = { code: 'invalid_shape', message: errorMessage(path, error), path };
    const item = ITEM.exec(path);
    if (item) {
      const id = idAt(value, item[1]!, Number(item[2]));
      if (id !== undefined) found[item[1] === 'nodes' ? 'nodeId' : 'edgeId'] = id;
    }
    return found;
  });
  return { ok: false, errors };
}
