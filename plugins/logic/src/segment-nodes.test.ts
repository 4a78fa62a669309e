import { expect } from 'chai';
import { ann, run, runFailing } from './test-support/plugin.js';

const payload = { from: 'upstream' };

describe('segment-add and segment-remove', () => {
  it('segment-add adds the profile to the named segment', async () => {
    const result = await run('segment-add', { payload, config: { segment: 'vip' } });
    expect(result.operations).to.deep.equal([{ op: 'segment.add', segment: 'vip' }]);
    expect(result.emissions).to.deep.equal([{ port: 'out', payload }]);
  });

  it('segment-remove removes the profile from a templated segment name', async () => {
    const result = await run('segment-remove', {
      profile: ann,
      payload,
      config: { segment: 'plan-{{profile@traits.plan}}' },
    });
    expect(result.operations).to.deep.equal([{ op: 'segment.remove', segment: 'plan-pro' }]);
    expect(result.emissions).to.deep.equal([{ port: 'out', payload }]);
  });

  it('fails when the template renders an empty name', async () => {
    const failure = await runFailing('segment-add', {
      profile: ann,
      config: { segment: '{{profile@traits.tier}}' },
    });
    expect(failure.code).to.equal('plugin-error');
    expect(failure.message).to.include("segment: '{{profile@traits.tier}}' rendered to an empty name");
  });
});
