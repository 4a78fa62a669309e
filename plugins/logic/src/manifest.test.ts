import { expect } from 'chai';
import { builtPlugin } from './test-support/plugin.js';

describe('the logic plugin manifest', () => {
  const { manifest } = builtPlugin;
  const ports = (id: string) => {
    const node = manifest.nodes.find((candidate) => candidate.id === id);
    expect(node, `node ${id}`).to.not.equal(undefined);
    return { inputs: node?.inputs, outputs: node?.outputs, category: node?.category };
  };

  it('is @cairn/plugin-logic 0.1.0 for the 0.1 plugin API', () => {
    expect(manifest.name).to.equal('@cairn/plugin-logic');
    expect(manifest.version).to.equal('0.1.0');
    expect(manifest.cairn).to.equal('^0.1.0');
  });

  it('declares every node with its ports and palette group', () => {
    expect(Object.fromEntries(manifest.nodes.map((node) => [node.id, ports(node.id)]))).to.deep.equal({
      start: { inputs: [], outputs: ['out'], category: 'logic' },
      end: { inputs: ['in'], outputs: [], category: 'logic' },
      if: { inputs: ['in'], outputs: ['true', 'false', 'error'], category: 'logic' },
      join: { inputs: ['in'], outputs: ['out'], category: 'logic' },
      set: { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      increment: { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      decrement: { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      append: { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      delete: { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      'text-template': { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      'object-template': { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      'segment-add': { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      'segment-remove': { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
      log: { inputs: ['in'], outputs: ['out', 'error'], category: 'logic' },
      'set-response': { inputs: ['in'], outputs: ['out', 'error'], category: 'data' },
    });
  });

  it('has exactly one node without inputs, so start is the only start node', () => {
    expect(manifest.nodes.filter((node) => node.inputs.length === 0).map((node) => node.id)).to.deep.equal([
      'start',
    ]);
  });

  it('gives every node a description and a config schema the editor can render', () => {
    for (const node of manifest.nodes) {
      expect(node.description, node.id).to.be.a('string').and.not.equal('');
      expect(node.config.type, node.id).to.equal('object');
    }
  });

  it('defaults increment and decrement to steps of 1 and log to the info level', () => {
    const property = (id: string, key: string) => {
      const properties = manifest.nodes.find((node) => node.id === id)?.config.properties;
      return (properties as { [key: string]: { default?: unknown } } | undefined)?.[key]?.default;
    };
    expect(property('increment', 'by')).to.equal(1);
    expect(property('decrement', 'by')).to.equal(1);
    expect(property('log', 'level')).to.equal('info');
  });
});
