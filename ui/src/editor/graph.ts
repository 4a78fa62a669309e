import type { FlowEdge, FlowGraph, FlowNode, JsonObject, JsonSchema, JsonValue } from '../api/types';

interface CatalogLike {
  latest(
    plugin: string,
    node: string,
  ): { plugin: { name: string; version: string }; node: { id: string } } | undefined;
}

export const LOGIC_PLUGIN = '@cairn/plugin-logic';

/** A new flow starts with the logic plugin's start node, which receives the event. */
export function starterGraph(catalog: CatalogLike): FlowGraph {
  const start = catalog.latest(LOGIC_PLUGIN, 'start');
  if (!start) return { nodes: [], edges: [] };
  return {
    nodes: [
      {
        id: 'start',
        type: 'cairn',
        position: { x: 40, y: 160 },
        data: { plugin: start.plugin.name, version: start.plugin.version, node: start.node.id, config: {} },
      },
    ],
    edges: [],
  };
}

/** The top-level defaults of a config schema, so a new node's form starts filled in. */
export function configDefaults(schema: JsonSchema): JsonObject {
  const config: JsonObject = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (property.default !== undefined)
      config[key] = JSON.parse(JSON.stringify(property.default)) as JsonValue;
  }
  return config;
}

/** A readable id that no node in `taken` has: `if`, `if-2`, `if-3`… */
export function freshId(base: string, taken: Set<string>): string {
  const stem = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'node';
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

/** What the editor's canvas elements look like, reduced to what the flow JSON stores. */
export interface CanvasNodeLike {
  id: string;
  position: { x: number; y: number };
  data: { plugin: string; version: string; node: string; config: JsonObject };
}
export interface CanvasEdgeLike {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export function toFlowGraph(nodes: readonly CanvasNodeLike[], edges: readonly CanvasEdgeLike[]): FlowGraph {
  return {
    nodes: nodes.map(
      (n): FlowNode => ({
        id: n.id,
        type: 'cairn',
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
        data: {
          plugin: n.data.plugin,
          version: n.data.version,
          node: n.data.node,
          config: n.data.config ?? {},
        },
      }),
    ),
    edges: edges.map(
      (e): FlowEdge => ({
        id: e.id,
        source: e.source,
        sourceHandle: e.sourceHandle ?? '',
        target: e.target,
        targetHandle: e.targetHandle ?? '',
      }),
    ),
  };
}

/** Problems that make imported JSON unusable as a flow graph, or an empty list. */
export function graphShapeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['The file does not hold a JSON object.'];
  const graph = value as { nodes?: unknown; edges?: unknown };
  const problems: string[] = [];
  if (!Array.isArray(graph.nodes)) problems.push('"nodes" must be a list.');
  if (!Array.isArray(graph.edges)) problems.push('"edges" must be a list.');
  if (problems.length) return problems;
  (graph.nodes as unknown[]).forEach((node, i) => {
    const n = node as Partial<FlowNode>;
    if (typeof n?.id !== 'string') problems.push(`nodes[${i}].id must be text.`);
    if (typeof n?.data?.plugin !== 'string' || typeof n?.data?.node !== 'string')
      problems.push(`nodes[${i}].data must name a plugin and a node.`);
  });
  (graph.edges as unknown[]).forEach((edge, i) => {
    const e = edge as Partial<FlowEdge>;
    if (typeof e?.source !== 'string' || typeof e?.target !== 'string')
      problems.push(`edges[${i}] must have a source and a target.`);
  });
  return problems;
}

/** True when adding an edge source → target would close a cycle. */
export function wouldCycle(edges: readonly CanvasEdgeLike[], source: string, target: string): boolean {
  if (source === target) return true;
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const stack = [target];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/** A validation message without the JSON path of the node it is shown beside. */
export function problemText(message: string): string {
  return message.replace(/nodes\[\d+\]\.data\.config\.?/g, '').replace(/^node "[^"]+" /, '');
}
