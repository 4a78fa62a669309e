import { expect } from 'chai';
import { builtPlugin } from './test-support/plugin.js';

describe('the SMS plugin manifest', () => {
  const { manifest } = builtPlugin;
  const node = manifest.nodes.find((candidate) => candidate.id === 'send-sms');
  const properties = node?.config.properties as { [key: string]: { [keyword: string]: unknown } };

  it('is @cairn/plugin-sms 0.1.0 for the 0.1 plugin API, with one node', () => {
    expect(manifest).to.include({ name: '@cairn/plugin-sms', version: '0.1.0', cairn: '^0.1.0' });
    expect(manifest.nodes.map((candidate) => candidate.id)).to.deep.equal(['send-sms']);
  });

  it('declares the ports a flow routes the outcomes by', () => {
    expect(node).to.deep.include({
      inputs: ['in'],
      outputs: ['sent', 'no-consent', 'invalid-number', 'error'],
      category: 'connectors',
    });
  });

  it('reaches no host of its own: only the one of its twilio resource', () => {
    expect(node?.permissions).to.deep.equal({ http: { hosts: [] } });
    expect(node?.resources).to.deep.equal(['twilio']);
    expect(properties.account?.['x-cairn-resource']).to.equal('twilio');
  });

  it("defaults to the profile's mobile number, the sms consent and two retries", () => {
    expect(properties.to?.default).to.equal('{{profile@data.contact.phone.mobile}}');
    expect(properties.consent?.default).to.equal('sms');
    expect(properties.retries).to.include({ default: 2, minimum: 0, maximum: 3 });
    expect(node?.config.required).to.have.members(['account', 'to', 'message', 'consent', 'retries']);
  });
});
