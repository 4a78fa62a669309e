import { expect } from 'chai';
import { checkout, run } from './test-support/plugin.js';

describe('start', () => {
  it('emits the event the engine gives it as payload on out', async () => {
    const result = await run('start', { event: checkout, payload: checkout });
    expect(result.emissions).to.deep.equal([{ port: 'out', payload: checkout }]);
    expect(result.operations).to.deep.equal([]);
  });
});

describe('end', () => {
  it('ends the branch: no emissions, operations, response or logs', async () => {
    const result = await run('end', { payload: { anything: true } });
    expect(result).to.deep.equal({ emissions: [], operations: [], ux: [], response: {}, logs: [] });
  });
});
