import type { CanvasEdgeLike } from './graph';

// elkjs is large: load it the first time a layout is asked for.
let elk: Promise<{
  layout: (graph: never) => Promise<{ children?: { id: string; x?: number; y?: number }[] }>;
}> | null = null;
function engine() {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK() as never);
  return elk;
}

export interface SizedNode {
  id: string;
  width: number;
  height: number;
}

/** Left-to-right layered positions for the nodes (elkjs), keeping port order along the edges. */
export async function layeredPositions(
  nodes: SizedNode[],
  edges: CanvasEdgeLike[],
): Promise<Map<string, { x: number; y: number }>> {
  const graph = await (await engine()).layout({
    id: 'flow',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '30',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: nodes.map((n) => ({ id: n.id, width: n.width || 180, height: n.height || 80 })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  } as never);
  return new Map((graph.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}
