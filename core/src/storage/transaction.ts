import {
  DeadlockException,
  type EntityManager,
  LockWaitTimeoutException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { Database } from './orm.js';

const MAX_ATTEMPTS = 6;

/** Failures that another concurrent writer caused; running the whole unit again resolves them. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof DeadlockException ||
    error instanceof LockWaitTimeoutException ||
    // Two requests created the same client-owned session or event id at once: the retry finds it.
    error instanceof UniqueConstraintViolationException
  );
}

/**
 * Runs `work` in one transaction on a fresh entity manager; all or nothing. Transient conflicts
 * with concurrent writers are retried with a short randomised back-off, so callers write their
 * unit as if they were alone.
 */
export async function writeTransaction<T>(db: Database, work: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.em().transactional(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
