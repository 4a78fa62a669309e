/// <reference types="mocha" />
import type { PluginManifest } from '@cairn/sdk';
import { expect } from 'chai';
import { catalogFromPlugins } from './catalog.js';
import { edge, flow, node, testPlugin } from './fixtures.js';
import type { Flow, FlowError } from './model.js';
import { validateFlow } from './validate.js';

const catalog = catalogFromPlugins([testPlugin]);

/** start → if → (true: yes, false: no) → merge */
function branchingFlow(): Flow {
  return flow(
    [
      node('start', 'start'),
      node('check', 'if'),
      node('yes', 'pass'),
      node('no', 'pass'),
      node('merge', 'merge'),
    ],
    [
      edge('start', 'out', 'check'),
      edge('check', 'true', 'yes'),
      edge('check', 'false', 'no'),
      edge('yes', 'out', 'merge', 'left'),
      edge('no', 'out', 'merge', 'right'),
    ],
  );
}

function codes(errors: FlowError[]): string[] {
  return errors.map((error) => error.code);
}

describe('flow validation', () => {
  it('accepts a branching flow with a join', () => {
    expect(validateFlow(branchingFlow(), catalog)).to.deep.equal([]);
  });

  describe('shape', () => {
    it('names the field and the node when a node is malformed', () => {
      const value = branchingFlow() as unknown as { nodes: Record<string, unknown>[] };
      value.nodes[1]!.data = { plugin: '@cairn/plugin-test', version: '1.0.0', config: {} };
      expect(validateFlow(value, catalog)).to.deep.equal([
        {
          code: 'invalid_shape',
          message: 'nodes[1].data.node is required',
          path: 'nodes[1].data.node',
          nodeId: 'check',
        },
      ]);
    });

    it('names the edge when an edge has no target port', () => {
      const value = branchingFlow() as unknown as { edges: Record<string, unknown>[] };
      delete value.edges[2]!.targetHandle;
      const [error] = validateFlow(value, catalog);
      expect(error).to.include({
        code: 'invalid_shape',
        path: 'edges[2].targetHandle',
        edgeId: 'check.false-no.in',
      });
    });

    it('rejects something that is not a flow at all', () => {
      expect(validateFlow({ nodes: 'none' }, catalog)).to.deep.include.members([
        { code: 'invalid_shape', message: 'nodes must be array', path: 'nodes' },
        { code: 'invalid_shape', message: 'edges is required', path: 'edges' },
      ]);
    });
  });

  describe('graph', () => {
    it('rejects a cycle and names a node on it', () => {
      const value = branchingFlow();
      value.edges.push(edge('merge', 'out', 'check'));
      const errors = validateFlow(value, catalog).filter((error) => error.code === 'cycle');
      expect(errors).to.deep.equal([
        {
          code: 'cycle',
          message: 'flow is not acyclic: check → no → merge → check',
          nodeId: 'check',
          path: 'nodes[1]',
        },
      ]);
    });

    it('rejects a node id used twice', () => {
      const value = branchingFlow();
      value.nodes.push(node('yes', 'pass'));
      expect(validateFlow(value, catalog)).to.deep.equal([
        {
          code: 'duplicate_node_id',
          message: 'node id "yes" is used by more than one node',
          nodeId: 'yes',
          path: 'nodes[5].id',
        },
      ]);
    });

    it('rejects an edge id used twice', () => {
      const value = branchingFlow();
      value.edges.push({ ...edge('no', 'out', 'merge', 'left'), id: 'check.true-yes.in' });
      expect(validateFlow(value, catalog)).to.deep.include({
        code: 'duplicate_edge_id',
        message: 'edge id "check.true-yes.in" is used by more than one edge',
        edgeId: 'check.true-yes.in',
        path: 'edges[5].id',
      });
    });

    it('rejects edges from or to nodes that are not in the flow', () => {
      const value = branchingFlow();
      value.edges.push(edge('ghost', 'out', 'merge', 'left'), edge('yes', 'out', 'nowhere'));
      const errors = validateFlow(value, catalog);
      expect(errors).to.deep.include({
        code: 'unknown_source_node',
        message: 'edge "ghost.out-merge.left" starts at node "ghost", which is not in the flow',
        edgeId: 'ghost.out-merge.left',
        path: 'edges[5].source',
      });
      expect(errors).to.deep.include({
        code: 'unknown_target_node',
        message: 'edge "yes.out-nowhere.in" ends at node "nowhere", which is not in the flow',
        edgeId: 'yes.out-nowhere.in',
        path: 'edges[6].target',
      });
    });

    it('rejects a second connection between the same two ports', () => {
      const value = branchingFlow();
      value.edges.push({ ...edge('check', 'true', 'yes'), id: 'again' });
      expect(validateFlow(value, catalog)).to.deep.equal([
        {
          code: 'duplicate_edge',
          message: 'edge "again" repeats a connection from check.true to yes.in',
          edgeId: 'again',
          path: 'edges[5]',
        },
      ]);
    });
  });

  describe('start node', () => {
    it('requires a node without input ports', () => {
      const value = flow([node('a', 'pass'), node('b', 'pass')], [edge('a', 'out', 'b')]);
      expect(codes(validateFlow(value, catalog))).to.deep.equal(['no_start_node']);
    });

    it('rejects a flow that is empty', () => {
      expect(codes(validateFlow(flow([], []), catalog))).to.deep.equal(['no_start_node']);
    });

    it('names every start node when there are several', () => {
      const value = branchingFlow();
      value.nodes.push(node('second', 'start'));
      value.edges.push(edge('second', 'out', 'no'));
      const errors = validateFlow(value, catalog);
      expect(codes(errors)).to.deep.equal(['multiple_start_nodes', 'multiple_start_nodes']);
      expect(errors.map((error) => error.nodeId)).to.deep.equal(['start', 'second']);
      expect(errors[1]!.message).to.equal(
        'node "second" is one of 2 start nodes (start, second); a flow has exactly one',
      );
    });

    it('rejects a node that cannot be reached from the start node', () => {
      const value = branchingFlow();
      value.nodes.push(node('orphan', 'pass'));
      expect(validateFlow(value, catalog)).to.deep.equal([
        {
          code: 'unreachable_node',
          message: 'node "orphan" cannot be reached from the start node "start" and would never run',
          nodeId: 'orphan',
          path: 'nodes[5]',
        },
      ]);
    });
  });

  describe('plugins and ports', () => {
    it('reports a plugin version that is not installed', () => {
      const value = branchingFlow();
      value.nodes[2]!.data.version = '2.0.0';
      expect(validateFlow(value, catalog)).to.deep.equal([
        {
          code: 'plugin_not_installed',
          message: 'node "yes" uses plugin @cairn/plugin-test@2.0.0, which is not installed',
          nodeId: 'yes',
          path: 'nodes[2].data.plugin',
        },
      ]);
    });

    it('reports a node the installed plugin does not provide', () => {
      const value = branchingFlow();
      value.nodes[2]!.data.node = 'teleport';
      expect(validateFlow(value, catalog)).to.deep.equal([
        {
          code: 'unknown_node',
          message: 'node "yes" uses node "teleport", which plugin @cairn/plugin-test@1.0.0 does not provide',
          nodeId: 'yes',
          path: 'nodes[2].data.node',
        },
      ]);
    });

    it('reports an output port the source node does not declare', () => {
      const value = branchingFlow();
      value.edges[1] = edge('check', 'maybe', 'yes');
      expect(validateFlow(value, catalog)).to.deep.equal([
        {
          code: 'unknown_output_port',
          message: 'node "check" (if) has no output port "maybe"; its outputs are: true, false',
          nodeId: 'check',
          edgeId: 'check.maybe-yes.in',
          path: 'edges[1].sourceHandle',
        },
      ]);
    });

    it('reports an input port the target node does not declare, including edges into the start node', () => {
      const value = branchingFlow();
      value.edges[3] = edge('yes', 'out', 'merge', 'middle');
      value.nodes.push(node('later', 'pass'));
      value.edges.push(edge('later', 'out', 'start'), edge('no', 'out', 'later'));
      const errors = validateFlow(value, catalog);
      expect(errors).to.deep.include({
        code: 'unknown_input_port',
        message: 'node "merge" (merge) has no input port "middle"; its inputs are: left, right',
        nodeId: 'merge',
        edgeId: 'yes.out-merge.middle',
        path: 'edges[3].targetHandle',
      });
      expect(errors.find((error) => error.edgeId === 'later.out-start.in')).to.include({
        code: 'unknown_input_port',
        message: 'node "start" (start) has no input port "in"; its inputs are: none (it is a start node)',
      });
    });
  });

  describe('config', () => {
    function scoredFlow(config: Record<string, unknown>): Flow {
      return flow(
        [node('start', 'start'), node('check', 'if'), node('score', 'score', config as never)],
        [edge('start', 'out', 'check'), edge('check', 'true', 'score')],
      );
    }

    it('accepts config that matches the node schema', () => {
      expect(validateFlow(scoredFlow({ threshold: 0.5, label: 'neg' }), catalog)).to.deep.equal([]);
    });

    it('names the node and the config field that is out of range', () => {
      expect(validateFlow(scoredFlow({ threshold: 3 }), catalog)).to.deep.equal([
        {
          code: 'invalid_config',
          message: 'nodes[2].data.config.threshold must be <= 1',
          nodeId: 'score',
          path: 'nodes[2].data.config.threshold',
        },
      ]);
    });

    it('names missing and unexpected config fields', () => {
      const errors = validateFlow(scoredFlow({ treshold: 0.5 }), catalog);
      expect(errors.map((error) => [error.path, error.message])).to.have.deep.members([
        ['nodes[2].data.config.threshold', 'nodes[2].data.config.threshold is required'],
        ['nodes[2].data.config.treshold', 'nodes[2].data.config.treshold is not allowed'],
      ]);
    });

    it('quotes config field names that are not identifiers', () => {
      const [error] = validateFlow(scoredFlow({ threshold: 0.5, 'max-score': 2 }), catalog);
      expect(error).to.deep.equal({
        code: 'invalid_config',
        message: 'nodes[2].data.config["max-score"] is not allowed',
        nodeId: 'score',
        path: 'nodes[2].data.config["max-score"]',
      });
    });

    it('reports a node whose config schema cannot be compiled', () => {
      const broken: PluginManifest = {
        ...testPlugin,
        name: '@cairn/plugin-broken',
        nodes: [{ ...testPlugin.nodes[1]!, config: { type: 'object', properties: { a: { type: 'nope' } } } }],
      };
      const value = flow([node('start', 'start'), node('odd', 'pass')], [edge('start', 'out', 'odd')]);
      value.nodes[1]!.data.plugin = '@cairn/plugin-broken';
      const [error] = validateFlow(value, catalogFromPlugins([testPlugin, broken]));
      expect(error).to.include({
        code: 'invalid_config_schema',
        nodeId: 'odd',
        path: 'nodes[1].data.config',
      });
    });

    it('keeps config schemas of different plugins apart even when they share an $id', () => {
      const withId = (name: string, type: string): PluginManifest => ({
        ...testPlugin,
        name,
        nodes: [
          testPlugin.nodes[0]!,
          { ...testPlugin.nodes[1]!, config: { $id: 'Config', type: 'object', properties: { v: { type } } } },
        ],
      });
      const both = catalogFromPlugins([withId('@x/numbers', 'number'), withId('@x/strings', 'string')]);
      const using = (plugin: string, v: unknown) => {
        const value = flow(
          [node('start', 'start'), node('n', 'pass', { v } as never)],
          [edge('start', 'out', 'n')],
        );
        for (const item of value.nodes) item.data.plugin = plugin;
        return codes(validateFlow(value, both));
      };
      expect(using('@x/numbers', 1)).to.deep.equal([]);
      expect(using('@x/strings', 'one')).to.deep.equal([]);
      expect(using('@x/strings', 1)).to.deep.equal(['invalid_config']);
    });
  });
});
