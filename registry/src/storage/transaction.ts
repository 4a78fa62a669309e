import {
  DeadlockException,
  LockWaitTimeoutException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Database } from './orm.js';

const MAX_ATTEMPTS = 5;

/** Failures another concurrent writer caused; running the whole unit again resolves them. */
function isTransient(error: unknown): boolean {
  if (
    error instanceof DeadlockException ||
    error instanceof LockWaitTimeoutException ||
    error instanceof UniqueConstraintViolationException
  ) {
    return true;
  }
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_BUSY' || code === 'ER_LOCK_DEADLOCK';
}

/**
 * Runs `work` in one transaction on a fresh entity manager. A unit that lost a race (two first
 * publishes of one name, a deadlock) runs again from the start, so its own checks see what the
 * winner wrote and answer accordingly.
 */
export async function writeTransaction<T>(
  db: Database,
  work: (em: SqlEntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.em().transactional((em) => work(em as SqlEntityManager));
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
