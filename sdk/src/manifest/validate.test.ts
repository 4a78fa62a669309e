import { expect } from 'chai';
import type { PluginManifest } from '../contract.js';
import { parsePluginManifest, validatePluginManifest } from './validate.js';

const valid = (): PluginManifest => ({
  name: '@acme/plugin-scoring',
  version: '1.0.0-beta.1',
  title: 'Scoring',
  description: '',
  cairn: '>=0.1.0 <1',
  nodes: [
    {
      id: 'score',
      title: 'Score',
      description: '',
      category: 'data',
      inputs: ['payload'],
      outputs: ['out', 'error'],
      config: { type: 'object', properties: {} },
      permissions: { http: { hosts: ['api.acme.test', '*.acme.test'] } },
      resources: ['smtp'],
    },
  ],
});

describe('plugin manifest validation', () => {
  it('accepts a complete manifest', () => {
    expect(validatePluginManifest(valid())).to.deep.equal([]);
    expect(parsePluginManifest(valid())).to.deep.equal(valid());
  });

  it('names the missing or mistyped field', () => {
    const { nodes: _nodes, ...withoutNodes } = valid();
    expect(validatePluginManifest(withoutNodes)).to.deep.include({
      path: 'nodes',
      message: 'Expected required property',
    });
    const manifest = valid();
    (manifest.nodes[0] as unknown as { outputs: unknown }).outputs = 'out';
    expect(validatePluginManifest(manifest)).to.deep.include({
      path: 'nodes[0].outputs',
      message: 'Expected array',
    });
  });

  it('refuses a bad package name, cairn range and host pattern', () => {
    const manifest = valid();
    manifest.name = 'Not A Name';
    manifest.cairn = 'soon';
    manifest.nodes[0]!.permissions = { http: { hosts: ['https://api.acme.test/'] } };
    manifest.nodes[0]!.id = 'Score';
    expect(validatePluginManifest(manifest)).to.deep.equal([
      { path: 'name', message: "'Not A Name' is not a valid npm package name" },
      { path: 'cairn', message: "'soon' is not a semver range such as ^0.1.0" },
      {
        path: 'nodes[0].id',
        message: "node id 'Score' must be lower-case words joined by '-', e.g. 'set-value'",
      },
      {
        path: 'nodes[0].permissions.http.hosts[0]',
        message:
          "'https://api.acme.test/' is not a lower-case host name, '*.domain' pattern, IP address or '*'",
      },
    ]);
  });

  it('refuses a port declared twice', () => {
    const manifest = valid();
    manifest.nodes[0]!.outputs = ['out', 'out'];
    expect(() => parsePluginManifest(manifest)).to.throw("nodes[0].outputs[1]: port 'out' is declared twice");
  });

  it('accepts profile write paths and *, and names a malformed one', () => {
    const manifest = valid();
    manifest.nodes[0]!.permissions.profile = { write: ['traits.plan', 'segments', '*', 'stats..x'] };
    expect(validatePluginManifest(manifest)).to.deep.equal([
      {
        path: 'nodes[0].permissions.profile.write[3]',
        message: "'stats..x' is not a profile path such as 'traits.plan', or '*'",
      },
    ]);
  });
});

describe('profile write permissions', () => {
  it('allow a declared path and everything below it, * everything, nothing when undeclared', async () => {
    const { operationTarget, profileWriteAllowed } = await import('../contract.js');
    expect(profileWriteAllowed(['traits'], 'traits.plan')).to.equal(true);
    expect(profileWriteAllowed(['traits.plan'], 'traits')).to.equal(false);
    expect(profileWriteAllowed(['traits'], 'traitsx.plan')).to.equal(false);
    expect(profileWriteAllowed(['*'], 'data.contact.email.main')).to.equal(true);
    expect(profileWriteAllowed(undefined, 'traits.plan')).to.equal(false);
    expect(operationTarget({ op: 'segment.add', segment: 'vip' })).to.equal('segments');
    expect(operationTarget({ op: 'consent.grant', consent: 'sms' })).to.equal('consents.sms');
    expect(operationTarget({ op: 'increment', path: 'stats.counters.x', by: 1 })).to.equal(
      'stats.counters.x',
    );
  });
});
