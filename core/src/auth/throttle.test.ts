import { expect } from 'chai';
import type { Context } from 'koa';
import type { ApiError } from '../http/errors.js';
import { SignInThrottle } from './throttle.js';

/** The part of a request the throttle reads and writes: the address and the answer's headers. */
function request(ip: string) {
  const headers: Record<string, string> = {};
  return {
    ctx: { ip, set: (name: string, value: string) => (headers[name] = value) } as unknown as Context,
    headers,
  };
}

async function refusal(check: Promise<void>): Promise<ApiError | undefined> {
  try {
    await check;
    return undefined;
  } catch (error) {
    return error as ApiError;
  }
}

describe('sign-in throttle', () => {
  it('refuses an account from an address after its failures, with Retry-After, and not other accounts', async () => {
    const throttle = new SignInThrottle(2, 5);
    const { ctx, headers } = request('10.0.0.1');
    await throttle.check(ctx, 'ann');
    await throttle.failed(ctx, 'ann');
    expect(await refusal(throttle.check(ctx, 'ann'))).to.equal(undefined);
    await throttle.failed(ctx, 'ann');
    const refused = await refusal(throttle.check(ctx, 'ann'));
    expect(refused?.status).to.equal(429);
    expect(refused?.code).to.equal('too_many_attempts');
    expect(Number(headers['Retry-After'])).to.be.within(1, 300);
    expect(await refusal(throttle.check(ctx, 'bob'))).to.equal(undefined);
    expect(await refusal(throttle.check(request('10.0.0.2').ctx, 'ann'))).to.equal(undefined);
  });

  it('forgets an account’s failures once it signs in', async () => {
    const throttle = new SignInThrottle(2, 5);
    const { ctx } = request('10.0.0.1');
    await throttle.failed(ctx, 'ann');
    await throttle.succeeded(ctx, 'ann');
    await throttle.failed(ctx, 'ann');
    expect(await refusal(throttle.check(ctx, 'ann'))).to.equal(undefined);
  });

  it('refuses an address that fails across many accounts, ten times the per-account limit', async () => {
    const throttle = new SignInThrottle(2, 5);
    const { ctx } = request('10.0.0.9');
    for (let i = 0; i < 19; i++) await throttle.failed(ctx, `user-${i}`);
    expect(await refusal(throttle.check(ctx, 'fresh'))).to.equal(undefined);
    await throttle.failed(ctx, 'user-19');
    expect((await refusal(throttle.check(ctx, 'fresh')))?.code).to.equal('too_many_attempts');
  });
});
