/** The flow both benchmarks run: start → if (rating) → set (trait from the event) → increment (counter). */
const logic = { plugin: '@cairn/plugin-logic', version: '0.1.0' };

const node = (id: string, name: string, config: object, x: number) => ({
  id,
  type: 'cairn',
  position: { x, y: 0 },
  data: { ...logic, node: name, config },
});

const edge = (source: string, port: string, target: string) => ({
  id: `${source}-${target}`,
  source,
  sourceHandle: port,
  target,
  targetHandle: 'in',
});

export const benchFlowDraft = {
  nodes: [
    node('start', 'start', {}, 0),
    node('if', 'if', { condition: 'event@properties.rating >= 4' }, 200),
    node('set', 'set', { path: 'profile@traits.last_page', value: 'event@properties.title' }, 400),
    node('count', 'increment', { path: 'profile@stats.counters.good_views', by: 1 }, 600),
  ],
  edges: [edge('start', 'out', 'if'), edge('if', 'true', 'set'), edge('set', 'out', 'count')],
};
