import { expect } from 'chai';
import { ann, run, runFailing } from './test-support/plugin.js';

describe('log', () => {
  for (const level of ['info', 'warn', 'error'] as const) {
    it(`writes a rendered ${level} line and passes the payload on`, async () => {
      const result = await run('log', {
        profile: ann,
        payload: { n: 1 },
        config: { level, message: '{{profile@traits.name}} has {{profile@stats.visits}} visits' },
      });
      expect(result.logs.map(({ level, message }) => ({ level, message }))).to.deep.equal([
        { level, message: 'Ann has 12 visits' },
      ]);
      expect(result.emissions).to.deep.equal([{ port: 'out', payload: { n: 1 } }]);
      expect(result.operations).to.deep.equal([]);
    });
  }

  it('fails on a malformed message template', async () => {
    const failure = await runFailing('log', { config: { level: 'info', message: 'total {{ }}' } });
    expect(failure.code).to.equal('plugin-error');
    expect(failure.message).to.include('message: empty placeholder at column 7');
  });
});
