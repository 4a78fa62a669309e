import type { Json } from '@cairn/sdk';
import { expect } from 'chai';
import { ann, checkout, run, runFailing } from './test-support/plugin.js';

const payload = { from: 'upstream' };

describe('set', () => {
  const set = (path: string, value: Json) =>
    run('set', { profile: ann, event: checkout, payload, config: { path, value } });

  it('writes a literal JSON value and passes the payload on', async () => {
    const result = await set('profile@traits.flags', { beta: true, tier: 2 });
    expect(result.operations).to.deep.equal([
      { op: 'set', path: 'traits.flags', value: { beta: true, tier: 2 } },
    ]);
    expect(result.emissions).to.deep.equal([{ port: 'out', payload }]);
  });

  it('copies a referenced value with its type when the value is exactly a reference', async () => {
    const result = await set('profile@traits.plan', 'event@properties.total');
    expect(result.operations).to.deep.equal([{ op: 'set', path: 'traits.plan', value: 99.5 }]);
  });

  it('renders a text template when the value contains {{…}}', async () => {
    const result = await set(
      'profile@data.greeting',
      'Hi {{profile@traits.name}}, welcome to {{event@properties.plan}}',
    );
    expect(result.operations).to.deep.equal([
      { op: 'set', path: 'data.greeting', value: 'Hi Ann, welcome to enterprise' },
    ]);
  });

  it('renders references nested inside objects and lists', async () => {
    const result = await set('profile@data.lastOrder', {
      total: 'event@properties.total',
      skus: ['event@properties.items[0].sku'],
    });
    expect(result.operations).to.deep.equal([
      { op: 'set', path: 'data.lastOrder', value: { total: 99.5, skus: ['A1'] } },
    ]);
  });

  it('writes null when the copied value is missing', async () => {
    const result = await set('profile@traits.coupon', 'event@properties.coupon');
    expect(result.operations).to.deep.equal([{ op: 'set', path: 'traits.coupon', value: null }]);
  });

  it('writes keys quoted in the reference as plain path segments', async () => {
    const result = await set('profile@traits["favourite-colour"]', 'green');
    expect(result.operations).to.deep.equal([{ op: 'set', path: 'traits.favourite-colour', value: 'green' }]);
  });

  it('refuses a target outside the profile', async () => {
    const failure = await runFailing('set', { config: { path: 'event@properties.plan', value: 'x' } });
    expect(failure.code).to.equal('plugin-error');
    expect(failure.message).to.include(
      "path: 'event@properties.plan' points at event@, but only the profile can be written",
    );
  });

  it('refuses a path without a source and shows the expected form', async () => {
    const failure = await runFailing('set', { config: { path: 'traits.plan', value: 'x' } });
    expect(failure.message).to.include("path: malformed reference 'traits.plan'");
    expect(failure.message).to.include("write a profile reference such as 'profile@traits.plan'");
  });

  it('refuses the whole profile, list indexes and keys with dots', async () => {
    const whole = await runFailing('set', { config: { path: 'profile@', value: {} } });
    expect(whole.message).to.include("'profile@' names the whole profile");
    const indexed = await runFailing('set', { config: { path: 'profile@traits.tags[0]', value: 'x' } });
    expect(indexed.message).to.include('indexes into a list ([0])');
    const dotted = await runFailing('set', { config: { path: 'profile@traits["a.b"]', value: 'x' } });
    expect(dotted.message).to.include("has the key 'a.b'");
  });

  it('fails on a malformed template in the value, naming the field', async () => {
    const failure = await runFailing('set', {
      config: { path: 'profile@traits.plan', value: 'Hi {{ name }}' },
    });
    expect(failure.code).to.equal('plugin-error');
    expect(failure.message).to.include(
      "value: placeholder '{{ name }}' at column 4 does not hold a reference",
    );
  });
});

describe('increment and decrement', () => {
  it('increment adds by to the profile field', async () => {
    const result = await run('increment', {
      payload,
      config: { path: 'profile@stats.counters.orders', by: 2 },
    });
    expect(result.operations).to.deep.equal([{ op: 'increment', path: 'stats.counters.orders', by: 2 }]);
    expect(result.emissions).to.deep.equal([{ port: 'out', payload }]);
  });

  it('decrement subtracts by from the profile field', async () => {
    const result = await run('decrement', { payload, config: { path: 'profile@traits.credits', by: 5 } });
    expect(result.operations).to.deep.equal([{ op: 'increment', path: 'traits.credits', by: -5 }]);
    expect(result.emissions).to.deep.equal([{ port: 'out', payload }]);
  });

  it('both refuse targets outside the profile', async () => {
    for (const node of ['increment', 'decrement']) {
      const failure = await runFailing(node, { config: { path: 'session@visits', by: 1 } });
      expect(failure.message, node).to.include('only the profile can be written');
    }
  });
});

describe('append', () => {
  it('appends a rendered value to a profile list', async () => {
    const result = await run('append', {
      event: checkout,
      payload,
      config: {
        path: 'profile@data.orders',
        value: { plan: 'event@properties.plan', note: 'paid {{event@properties.total}}' },
      },
    });
    expect(result.operations).to.deep.equal([
      { op: 'append', path: 'data.orders', value: { plan: 'enterprise', note: 'paid 99.5' } },
    ]);
    expect(result.emissions).to.deep.equal([{ port: 'out', payload }]);
  });

  it('refuses targets outside the profile', async () => {
    const failure = await runFailing('append', { config: { path: 'payload@list', value: 1 } });
    expect(failure.message).to.include('only the profile can be written');
  });
});

describe('delete', () => {
  it('unsets the profile field and passes the payload on', async () => {
    const result = await run('delete', { payload, config: { path: 'profile@traits.coupon' } });
    expect(result.operations).to.deep.equal([{ op: 'unset', path: 'traits.coupon' }]);
    expect(result.emissions).to.deep.equal([{ port: 'out', payload }]);
  });

  it('refuses targets outside the profile', async () => {
    const failure = await runFailing('delete', { config: { path: 'flow@x' } });
    expect(failure.message).to.include('only the profile can be written');
  });
});
