import type { Context, Next } from 'koa';

/**
 * Counts requests being handled, so a shutdown can wait for them: a request whose client has
 * already gone still finishes writing what it accepted before the database is closed.
 */
export class InFlightRequests {
  private count = 0;
  private waiters: (() => void)[] = [];

  middleware() {
    return async (_ctx: Context, next: Next): Promise<void> => {
      this.count++;
      try {
        await next();
      } finally {
        this.count--;
        if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
      }
    };
  }

  /** Resolves when no request is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
