import type { Json } from '@cairn/sdk';
import { expect } from 'chai';
import { run } from './test-support/plugin.js';

const delivery = (from: string, payload: Json, input = 'in') => ({ from, port: 'out', input, payload });

describe('join', () => {
  it('deep-merges the object payloads of all branches in arrival order', async () => {
    const result = await run('join', {
      payload: [
        delivery('score', { score: 0.2, user: { name: 'Ann', tags: ['a'] } }),
        delivery('lang', { lang: 'en', user: { country: 'PL', tags: ['b'] } }),
      ],
    });
    expect(result.emissions).to.deep.equal([
      { port: 'out', payload: { score: 0.2, lang: 'en', user: { name: 'Ann', country: 'PL', tags: ['b'] } } },
    ]);
  });

  it('lets a later payload replace an earlier value, including when one node emitted twice', async () => {
    const result = await run('join', {
      payload: [delivery('split', { step: 1, first: true }), delivery('split', { step: 2 })],
    });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: { step: 2, first: true } }]);
  });

  it('adds nothing for payloads that are not objects', async () => {
    const result = await run('join', {
      payload: [
        delivery('a', null),
        delivery('b', { ok: true }),
        delivery('c', [1, 2]),
        delivery('d', 'text'),
      ],
    });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: { ok: true } }]);
  });

  it('emits an empty object when no branch delivered an object', async () => {
    const result = await run('join', { payload: [delivery('a', null), delivery('b', null)] });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: {} }]);
  });

  it('emits one payload even when only one branch delivered', async () => {
    const result = await run('join', { payload: [delivery('left', { only: 'left' })] });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: { only: 'left' } }]);
  });

  it('passes a payload through unchanged when the node has a single incoming edge', async () => {
    const result = await run('join', { payload: [1, 2, 3] });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: [1, 2, 3] }]);
  });
});
