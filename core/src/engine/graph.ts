import type { Flow, FlowEdge, FlowError, FlowNode } from './model.js';

/** Compares ids by UTF-16 code units: the same order on every machine and locale. */
export function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** A flow indexed for walking; only edges whose both ends exist are kept. */
export interface FlowGraph {
  nodes: Map<string, FlowNode>;
  /** Position of each node / edge in the flow JSON, for error paths. */
  nodeIndex: Map<string, number>;
  edgeIndex: Map<string, number>;
  /** Edges into / out of each node, sorted by edge id. Every node has an entry. */
  incoming: Map<string, FlowEdge[]>;
  outgoing: Map<string, FlowEdge[]>;
  /**
   * Node ids in execution order: topological, and among nodes that are ready at the same time
   * the smallest id first. Empty when the graph has a cycle.
   */
  order: string[];
}

export interface GraphAnalysis {
  graph: FlowGraph;
  errors: FlowError[];
}

/**
 * Walks back along incoming edges from a node that topological sorting could not place until a
 * node repeats. Every such node has an incoming edge from another unplaced node, so the walk
 * always closes a cycle. The cycle is returned in edge direction, starting at its smallest id.
 */
function findCycle(unplaced: Set<string>, incoming: Map<string, FlowEdge[]>): string[] {
  const start = [...unplaced].sort(compareIds)[0]!;
  const walked: string[] = [];
  let current = start;
  while (!walked.includes(current)) {
    walked.push(current);
    const back = (incoming.get(current) ?? []).find((edge) => unplaced.has(edge.source));
    current = back!.source;
  }
  const cycle = walked.slice(walked.indexOf(current)).reverse();
  const first = cycle.indexOf([...cycle].sort(compareIds)[0]!);
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}

function topologicalOrder(graph: FlowGraph): { order: string[]; cycle?: string[] } {
  const waiting = new Map<string, number>();
  for (const [id, edges] of graph.incoming) waiting.set(id, edges.length);
  const ready = [...graph.nodes.keys()].filter((id) => waiting.get(id) === 0).sort(compareIds);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const edge of graph.outgoing.get(id) ?? []) {
      const left = waiting.get(edge.target)! - 1;
      waiting.set(edge.target, left);
      if (left === 0) {
        const at = ready.findIndex((other) => compareIds(edge.target, other) < 0);
        ready.splice(at === -1 ? ready.length : at, 0, edge.target);
      }
    }
  }
  if (order.length === graph.nodes.size) return { order };
  const placed = new Set(order);
  const unplaced = new Set([...graph.nodes.keys()].filter((id) => !placed.has(id)));
  return { order: [], cycle: findCycle(unplaced, graph.incoming) };
}

/** Indexes a flow and reports structural problems: duplicate ids, dangling edges, a cycle. */
export function analyzeGraph(flow: Flow): GraphAnalysis {
  const errors: FlowError[] = [];
  const nodes = new Map<string, FlowNode>();
  const nodeIndex = new Map<string, number>();
  flow.nodes.forEach((node, index) => {
    if (nodes.has(node.id)) {
      errors.push({
        code: 'duplicate_node_id',
        message: `node id "${node.id}" is used by more than one node`,
        nodeId: node.id,
        path: `nodes[${index}].id`,
      });
      return;
    }
    nodes.set(node.id, node);
    nodeIndex.set(node.id, index);
  });

  const edgeIndex = new Map<string, number>();
  const kept: FlowEdge[] = [];
  flow.edges.forEach((edge, index) => {
    if (edgeIndex.has(edge.id)) {
      errors.push({
        code: 'duplicate_edge_id',
        message: `edge id "${edge.id}" is used by more than one edge`,
        edgeId: edge.id,
        path: `edges[${index}].id`,
      });
      return;
    }
    edgeIndex.set(edge.id, index);
    let known = true;
    for (const end of ['source', 'target'] as const) {
      if (nodes.has(edge[end])) continue;
      known = false;
      errors.push({
        code: end === 'source' ? 'unknown_source_node' : 'unknown_target_node',
        message: `edge "${edge.id}" ${end === 'source' ? 'starts at' : 'ends at'} node "${edge[end]}", which is not in the flow`,
        edgeId: edge.id,
        path: `edges[${index}].${end}`,
      });
    }
    if (known) kept.push(edge);
  });
  kept.sort((a, b) => compareIds(a.id, b.id));

  const incoming = new Map<string, FlowEdge[]>();
  const outgoing = new Map<string, FlowEdge[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const edge of kept) {
    incoming.get(edge.target)!.push(edge);
    outgoing.get(edge.source)!.push(edge);
  }

  const graph: FlowGraph = { nodes, nodeIndex, edgeIndex, incoming, outgoing, order: [] };
  const { order, cycle } = topologicalOrder(graph);
  graph.order = order;
  if (cycle) {
    const first = cycle[0]!;
    errors.push({
      code: 'cycle',
      message: `flow is not acyclic: ${[...cycle, first].join(' → ')}`,
      nodeId: first,
      path: `nodes[${nodeIndex.get(first)}]`,
    });
  }
  return { graph, errors };
}
