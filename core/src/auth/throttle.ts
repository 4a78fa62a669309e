import type { Context } from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { ApiError } from '../http/errors.js';

/**
 * Limits failed sign-ins: `attempts` per account and address, and ten times that per address over
 * all accounts, within `windowMinutes`. The server's console sign-in and the registry's publisher
 * sign-in both use it.
 */
export class SignInThrottle {
  private readonly perAccount: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;

  constructor(attempts: number, windowMinutes: number) {
    const duration = windowMinutes * 60;
    this.perAccount = new RateLimiterMemory({ points: attempts, duration });
    this.perAddress = new RateLimiterMemory({ points: attempts * 10, duration });
  }

  /** Refuses with 429 `too_many_attempts` (and `Retry-After`) while either limit is used up. */
  async check(ctx: Context, account: string): Promise<void> {
    for (const [limiter, key] of [
      [this.perAccount, `${account}|${ctx.ip}`],
      [this.perAddress, ctx.ip],
    ] as const) {
      const state = await limiter.get(key);
      if (state && state.consumedPoints >= limiter.points) {
        ctx.set('Retry-After', String(Math.ceil(state.msBeforeNext / 1000)));
        throw new ApiError(429, 'too_many_attempts', 'Too many failed sign-ins; wait before trying again.');
      }
    }
  }

  async failed(ctx: Context, account: string): Promise<void> {
    await Promise.all([this.perAccount.penalty(`${account}|${ctx.ip}`), this.perAddress.penalty(ctx.ip)]);
  }

  /** A success clears the account's count from that address (not the address's overall count). */
  async succeeded(ctx: Context, account: string): Promise<void> {
    await this.perAccount.delete(`${account}|${ctx.ip}`);
  }
}
