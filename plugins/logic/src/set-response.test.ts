import { expect } from 'chai';
import { ann, checkout, run } from './test-support/plugin.js';

describe('set-response', () => {
  it('puts the rendered value under the key of the /track response', async () => {
    const result = await run('set-response', {
      profile: ann,
      event: checkout,
      payload: { n: 1 },
      config: {
        key: 'offer',
        value: { plan: 'event@properties.plan', text: 'Thanks, {{profile@traits.name}}' },
      },
    });
    expect(result.response).to.deep.equal({ offer: { plan: 'enterprise', text: 'Thanks, Ann' } });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: { n: 1 } }]);
    expect(result.operations).to.deep.equal([]);
  });

  it('copies a referenced value with its type', async () => {
    const result = await run('set-response', {
      event: checkout,
      config: { key: 'total', value: 'event@properties.total' },
    });
    expect(result.response).to.deep.equal({ total: 99.5 });
  });
});
