import type { JsonSchema, NodeManifest } from '@cairn/sdk';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { NodeCatalog } from './catalog.js';
import { analyzeGraph, compareIds, type FlowGraph } from './graph.js';
import { createAjv, errorMessage, errorPath } from './json-schema.js';
import { type Flow, type FlowError, parseFlow } from './model.js';

const configAjv = createAjv(false);

/**
 * Compiled config validators, keyed by the schema's JSON text rather than by object identity:
 * a catalog may hand out a fresh manifest object on every lookup, and ajv keeps every schema
 * object it compiles.
 */
const configValidators = new Map<string, ValidateFunction | Error>();

function configValidator(schema: JsonSchema): ValidateFunction | Error {
  const key = JSON.stringify(schema);
  let validator = configValidators.get(key);
  if (validator === undefined) {
    try {
      validator = configAjv.compile(schema);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    configValidators.set(key, validator);
  }
  return validator;
}

function nodeLabel(nodeId: string, manifest: NodeManifest): string {
  return `node "${nodeId}" (${manifest.id})`;
}

function resolveNodes(flow: Flow, catalog: NodeCatalog, errors: FlowError[]): Map<string, NodeManifest> {
  const manifests = new Map<string, NodeManifest>();
  flow.nodes.forEach((node, index) => {
    const { plugin, version } = node.data;
    if (!catalog.hasPlugin(plugin, version)) {
      errors.push({
        code: 'plugin_not_installed',
        message: `node "${node.id}" uses plugin ${plugin}@${version}, which is not installed`,
        nodeId: node.id,
        path: `nodes[${index}].data.plugin`,
      });
      return;
    }
    const manifest = catalog.findNode(node.data);
    if (manifest === undefined) {
      errors.push({
        code: 'unknown_node',
        message: `node "${node.id}" uses node "${node.data.node}", which plugin ${plugin}@${version} does not provide`,
        nodeId: node.id,
        path: `nodes[${index}].data.node`,
      });
      return;
    }
    if (!manifests.has(node.id)) manifests.set(node.id, manifest);
    const validator = configValidator(manifest.config);
    const base = `nodes[${index}].data.config`;
    if (validator instanceof Error) {
      errors.push({
        code: 'invalid_config_schema',
        message: `${nodeLabel(node.id, manifest)} declares a config schema that cannot be compiled: ${validator.message}`,
        nodeId: node.id,
        path: base,
      });
      return;
    }
    if (validator(node.data.config)) return;
    for (const error of validator.errors ?? []) {
      const path = errorPath(base, error);
      errors.push({ code: 'invalid_config', message: errorMessage(path, error), nodeId: node.id, path });
    }
  });
  return manifests;
}

function checkPorts(flow: Flow, graph: FlowGraph, manifests: Map<string, NodeManifest>, errors: FlowError[]) {
  const seen = new Set<string>();
  flow.edges.forEach((edge, index) => {
    if (graph.edgeIndex.get(edge.id) !== index) return;
    const source = manifests.get(edge.source);
    if (source && !source.outputs.includes(edge.sourceHandle)) {
      errors.push({
        code: 'unknown_output_port',
        message: `${nodeLabel(edge.source, source)} has no output port "${edge.sourceHandle}"; its outputs are: ${source.outputs.join(', ') || 'none'}`,
        edgeId: edge.id,
        nodeId: edge.source,
        path: `edges[${index}].sourceHandle`,
      });
    }
    const target = manifests.get(edge.target);
    if (target && !target.inputs.includes(edge.targetHandle)) {
      errors.push({
        code: 'unknown_input_port',
        message: `${nodeLabel(edge.target, target)} has no input port "${edge.targetHandle}"; its inputs are: ${target.inputs.join(', ') || 'none (it is a start node)'}`,
        edgeId: edge.id,
        nodeId: edge.target,
        path: `edges[${index}].targetHandle`,
      });
    }
    const key = JSON.stringify([edge.source, edge.sourceHandle, edge.target, edge.targetHandle]);
    if (seen.has(key)) {
      errors.push({
        code: 'duplicate_edge',
        message: `edge "${edge.id}" repeats a connection from ${edge.source}.${edge.sourceHandle} to ${edge.target}.${edge.targetHandle}`,
        edgeId: edge.id,
        path: `edges[${index}]`,
      });
    }
    seen.add(key);
  });
}

function checkStart(
  graph: FlowGraph,
  manifests: Map<string, NodeManifest>,
  errors: FlowError[],
): string | undefined {
  const starts = [...manifests].filter(([, manifest]) => manifest.inputs.length === 0).map(([id]) => id);
  const unresolved = manifests.size < graph.nodes.size;
  if (starts.length === 0 && !unresolved) {
    errors.push({
      code: 'no_start_node',
      message: 'flow has no start node: exactly one node must be a node without input ports',
      path: 'nodes',
    });
  }
  if (starts.length > 1) {
    for (const id of starts) {
      errors.push({
        code: 'multiple_start_nodes',
        message: `node "${id}" is one of ${starts.length} start nodes (${starts.join(', ')}); a flow has exactly one`,
        nodeId: id,
        path: `nodes[${graph.nodeIndex.get(id)}]`,
      });
    }
  }
  return starts.length === 1 ? starts[0] : undefined;
}

function checkReachable(start: string, graph: FlowGraph, errors: FlowError[]) {
  const reached = new Set([start]);
  const pending = [start];
  while (pending.length > 0) {
    for (const edge of graph.outgoing.get(pending.pop()!) ?? []) {
      if (reached.has(edge.target)) continue;
      reached.add(edge.target);
      pending.push(edge.target);
    }
  }
  for (const id of [...graph.nodes.keys()].sort(compareIds)) {
    if (reached.has(id)) continue;
    errors.push({
      code: 'unreachable_node',
      message: `node "${id}" cannot be reached from the start node "${start}" and would never run`,
      nodeId: id,
      path: `nodes[${graph.nodeIndex.get(id)}]`,
    });
  }
}

/**
 * Checks a flow before it is saved. Returns every problem found (empty when the flow is valid);
 * each names the node or edge and the field. Shape errors are reported alone, since the other
 * checks need a well-formed flow.
 *
 * @example
 * const errors = validateFlow(body.flow, catalogFromPlugins(installed));
 * if (errors.length > 0) ctx.throw(422, { errors });
 */
export function validateFlow(value: unknown, catalog: NodeCatalog): FlowError[] {
  const parsed = parseFlow(value);
  if (!parsed.ok) return parsed.errors;
  const { flow } = parsed;
  const { graph, errors } = analyzeGraph(flow);
  const manifests = resolveNodes(flow, catalog, errors);
  checkPorts(flow, graph, manifests, errors);
  const start = checkStart(graph, manifests, errors);
  if (start !== undefined) checkReachable(start, graph, errors);
  return errors;
}
