import { expect } from 'chai';
import { builtPlugin } from './test-support/plugin.js';

describe('the webhook plugin manifest', () => {
  const { manifest } = builtPlugin;
  const node = manifest.nodes.find((candidate) => candidate.id === 'call-webhook');
  const property = (key: string) =>
    (node?.config.properties as { [key: string]: { [keyword: string]: unknown } } | undefined)?.[key];

  it('is @cairn/plugin-webhook 0.1.0 for the 0.1 plugin API', () => {
    expect(manifest).to.include({ name: '@cairn/plugin-webhook', version: '0.1.0', cairn: '^0.1.0' });
  });

  it('declares call-webhook with response and error ports, any public host and http-auth resources', () => {
    expect(node).to.deep.include({
      inputs: ['in'],
      outputs: ['response', 'error'],
      category: 'connectors',
      permissions: { http: { hosts: ['*'] } },
      resources: ['http-auth'],
    });
  });

  it('bounds retries to 0–5 and one attempt to 30 s, and marks both credential fields as http-auth pickers', () => {
    expect(property('retries')).to.include({ minimum: 0, maximum: 5 });
    expect(property('timeoutMs')).to.include({ maximum: 30_000 });
    expect(property('auth')).to.include({ 'x-cairn-resource': 'http-auth' });
    expect(property('signature')).to.include({ 'x-cairn-resource': 'http-auth' });
    expect(property('signatureHeader')).to.include({ default: 'X-Cairn-Signature' });
    expect(node?.config.required).to.not.include.members(['auth', 'signature', 'body']);
  });
});
