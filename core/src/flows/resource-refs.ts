import { type JsonObject, RESOURCE_KEYWORD } from '@cairn/sdk';
import type { FlowError, NodeCatalog } from '../engine/index.js';

export interface ResourceRef {
  nodeId: string;
  /** Field path in the flow, e.g. `nodes[2].data.config.server`. */
  path: string;
  id: string;
  type: string;
}

interface GraphLike {
  nodes?: {
    id?: unknown;
    data?: { plugin?: unknown; version?: unknown; node?: unknown; config?: unknown };
  }[];
}

/**
 * The resources a flow's nodes name: config fields that the node's schema marks as resource
 * references (`Resource(type)` in the SDK), at the top level of the config.
 */
export function resourceRefs(graph: unknown, catalog: NodeCatalog): ResourceRef[] {
  const refs: ResourceRef[] = [];
  const nodes = (graph as GraphLike | null)?.nodes;
  if (!Array.isArray(nodes)) return refs;
  nodes.forEach((node, index) => {
    const data = node?.data;
    if (typeof data?.plugin !== 'string' || typeof data.version !== 'string' || typeof data.node !== 'string')
      return;
    const manifest = catalog.findNode({ plugin: data.plugin, version: data.version, node: data.node });
    const properties = (
      manifest?.config as { properties?: Record<string, Record<string, unknown>> } | undefined
    )?.properties;
    const config = data.config as Record<string, unknown> | undefined;
    if (!properties || !config) return;
    for (const [key, schema] of Object.entries(properties)) {
      const type = schema[RESOURCE_KEYWORD];
      const id = config[key];
      if (typeof type === 'string' && typeof id === 'string' && id !== '') {
        refs.push({ nodeId: String(node.id), path: `nodes[${index}].data.config.${key}`, id, type });
      }
    }
  });
  return refs;
}

/** Problems with a flow's resource references: missing resources, or resources of another type. */
export function resourceErrors(
  refs: readonly ResourceRef[],
  known: Record<string, { type: string }>,
): FlowError[] {
  return refs.flatMap((ref): FlowError[] => {
    const found = known[ref.id];
    if (!found) {
      return [
        {
          code: 'unknown_resource',
          message: `resource "${ref.id}" does not exist`,
          nodeId: ref.nodeId,
          path: ref.path,
        },
      ];
    }
    if (found.type !== ref.type) {
      return [
        {
          code: 'wrong_resource_type',
          message: `resource "${ref.id}" is a ${found.type} resource; this field needs ${ref.type}`,
          nodeId: ref.nodeId,
          path: ref.path,
        },
      ];
    }
    return [];
  });
}

/** Public settings of the resources a graph names, as nodes see them through `ctx.resources.get(id)`. */
export async function publicResources(
  graph: unknown,
  catalog: NodeCatalog,
  store: { publicInfo(ids: readonly string[]): Promise<Record<string, JsonObject>> },
): Promise<Record<string, JsonObject>> {
  const refs = resourceRefs(graph, catalog);
  return refs.length ? store.publicInfo([...new Set(refs.map((r) => r.id))]) : {};
}
