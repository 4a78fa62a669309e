import { expect } from 'chai';
import { ann, checkout, run, runFailing } from './test-support/plugin.js';

describe('text-template', () => {
  it('emits the rendered text as { text }', async () => {
    const result = await run('text-template', {
      profile: ann,
      event: checkout,
      config: {
        template: 'Hi {{ profile@traits.name }}, {{event@properties.items}} cost {{event@properties.total}}',
      },
    });
    expect(result.emissions).to.deep.equal([
      { port: 'out', payload: { text: 'Hi Ann, [{"sku":"A1"}] cost 99.5' } },
    ]);
    expect(result.operations).to.deep.equal([]);
  });

  it('renders missing values as empty text', async () => {
    const result = await run('text-template', { config: { template: '[{{profile@traits.nickname}}]' } });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: { text: '[]' } }]);
  });

  it('fails on an unclosed placeholder, naming the field', async () => {
    const failure = await runFailing('text-template', { config: { template: 'Hi {{profile@traits.name' } });
    expect(failure.code).to.equal('plugin-error');
    expect(failure.message).to.include("template: unclosed '{{' at column 4");
  });
});

describe('object-template', () => {
  it('emits a new payload built from references and text templates', async () => {
    const result = await run('object-template', {
      profile: ann,
      event: checkout,
      payload: { score: 0.8 },
      config: {
        template: {
          customer: 'profile@traits.name',
          total: 'event@properties.total',
          score: 'payload@score',
          subject: 'Order for {{profile@traits.name}}',
          tags: ['checkout', 'event@properties.plan'],
          fixed: 7,
        },
      },
    });
    expect(result.emissions).to.deep.equal([
      {
        port: 'out',
        payload: {
          customer: 'Ann',
          total: 99.5,
          score: 0.8,
          subject: 'Order for Ann',
          tags: ['checkout', 'enterprise'],
          fixed: 7,
        },
      },
    ]);
  });

  it('replaces the payload with the referenced value when the template is a single reference', async () => {
    const result = await run('object-template', {
      event: checkout,
      config: { template: 'event@properties.items' },
    });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: [{ sku: 'A1' }] }]);
  });
});
