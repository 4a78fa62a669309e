import { PluginSandbox } from '@cairn/sdk/sandbox';
import { expect } from 'chai';
import { ann, builtPlugin, checkout, run, runFailing } from './test-support/plugin.js';

describe('if', () => {
  const payload = { step: 'checked' };
  const check = (condition: string) =>
    run('if', { profile: ann, event: checkout, payload, config: { condition } });

  it('passes the payload unchanged to true when the condition holds', async () => {
    const result = await check('profile@traits.age >= 18 AND event@type == "checkout"');
    expect(result.emissions).to.deep.equal([{ port: 'true', payload }]);
  });

  it('passes the payload unchanged to false when the condition does not hold', async () => {
    const result = await check('contains(profile@segments, "vip")');
    expect(result.emissions).to.deep.equal([{ port: 'false', payload }]);
  });

  it('reads payload@, session@ and flow@ references', async () => {
    const result = await run('if', {
      payload: { score: 7 },
      session: { id: 's1', context: { device: 'mobile' } },
      flow: { id: 'f1', name: 'Welcome', version: 3, node: { id: 'check' } },
      config: { condition: 'payload@score > 5 AND session@context.device == "mobile" AND flow@version == 3' },
    });
    expect(result.emissions.map((emission) => emission.port)).to.deep.equal(['true']);
  });

  it('reads profile@ as null when the event has no profile', async () => {
    const result = await run('if', { profile: null, config: { condition: 'profile@ == null' } });
    expect(result.emissions.map((emission) => emission.port)).to.deep.equal(['true']);
  });

  it('treats a missing value as false rather than failing', async () => {
    const result = await check('profile@traits.missing.deeper > 1');
    expect(result.emissions.map((emission) => emission.port)).to.deep.equal(['false']);
  });

  it('fails with the position of a syntax error, so the engine can route it to error', async () => {
    const failure = await runFailing('if', { config: { condition: 'profile@traits.age = 18' } });
    expect(failure.code).to.equal('plugin-error');
    expect(failure.message).to.include("condition: unexpected '='; write '==' to compare at column 20");
  });

  it('keeps answering correctly when one isolate evaluates several conditions in turn', async () => {
    const sandbox = new PluginSandbox(builtPlugin);
    const ports: string[] = [];
    try {
      for (const [condition, age] of [
        ['profile@traits.age >= 18', 42],
        ['profile@traits.age >= 18', 12],
        ['profile@traits.age < 18', 12],
        ['profile@traits.age >= 18', 30],
      ] as const) {
        const outcome = await sandbox.call('if', {
          event: checkout,
          profile: { id: 'p', traits: { age } },
          session: null,
          payload: null,
          config: { condition },
          flow: { id: 'f' },
        });
        if (!outcome.ok) expect.fail(outcome.error.message);
        ports.push(outcome.result.emissions[0]?.port ?? 'none');
      }
    } finally {
      sandbox.dispose();
    }
    expect(ports).to.deep.equal(['true', 'false', 'true', 'true']);
  });
});
