import { expect } from 'chai';
import { builtPlugin } from './test-support/plugin.js';

describe('the e-mail plugin manifest', () => {
  const { manifest } = builtPlugin;
  const node = manifest.nodes.find((candidate) => candidate.id === 'send-email');
  const properties = node?.config.properties as { [key: string]: { [keyword: string]: unknown } };

  it('is @cairn/plugin-email 0.1.0 for the 0.1 plugin API, with one node', () => {
    expect(manifest).to.include({ name: '@cairn/plugin-email', version: '0.1.0', cairn: '^0.1.0' });
    expect(manifest.nodes.map((candidate) => candidate.id)).to.deep.equal(['send-email']);
  });

  it('declares the ports a flow routes the outcomes by', () => {
    expect(node).to.deep.include({
      inputs: ['in'],
      outputs: ['sent', 'no-consent', 'invalid-address', 'error'],
      category: 'connectors',
    });
  });

  it('asks for e-mail sending through smtp resources and nothing else', () => {
    expect(node?.permissions).to.deep.equal({ smtp: true });
    expect(node?.resources).to.deep.equal(['smtp']);
    expect(properties.server?.['x-cairn-resource']).to.equal('smtp');
  });

  it("defaults to the profile's main address and the marketing-email consent", () => {
    expect(properties.to?.default).to.equal('{{profile@data.contact.email.main}}');
    expect(properties.consent?.default).to.equal('marketing-email');
    expect(node?.config.required).to.have.members(['server', 'to', 'subject', 'consent']);
  });
});
