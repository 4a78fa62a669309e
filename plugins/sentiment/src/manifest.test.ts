import { expect } from 'chai';
import { builtPlugin } from './test-support/plugin.js';

describe('the sentiment plugin manifest', () => {
  const { manifest } = builtPlugin;
  const node = manifest.nodes.find((candidate) => candidate.id === 'score-sentiment');
  const property = (key: string) =>
    (node?.config.properties as { [key: string]: { [keyword: string]: unknown } } | undefined)?.[key];

  it('is @cairn/plugin-sentiment 0.1.0 for the 0.1 plugin API', () => {
    expect(manifest).to.include({ name: '@cairn/plugin-sentiment', version: '0.1.0', cairn: '^0.1.0' });
  });

  it('declares score-sentiment with a port per label and error, reaching only the AI provider it is given, writing where its target says', () => {
    expect(node).to.deep.include({
      inputs: ['in'],
      outputs: ['positive', 'neutral', 'negative', 'error'],
      permissions: { http: { hosts: [] }, profile: { write: ['*'] } },
      resources: ['ai-provider'],
    });
  });

  it('defaults to the local lexicon reading event@properties.text', () => {
    expect(property('provider')).to.include({ default: 'local' });
    expect(property('text')).to.include({ default: 'event@properties.text' });
    expect(property('ai')).to.include({ 'x-cairn-resource': 'ai-provider' });
    expect(property('positiveThreshold')).to.include({ minimum: -1, maximum: 1 });
  });
});
