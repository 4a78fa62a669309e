import {
  DeadlockException,
  type EntityManager,
  LockWaitTimeoutException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { Database } from './orm.js';

const MAX_ATTEMPTS = 6;

/** Driver error codes of the same conflicts, for statements run outside the ORM's converter. */
const TRANSIENT_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_DUP_ENTRY',
  'SQLITE_BUSY',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_UNIQUE',
]);

/** Failures that another concurrent writer caused; running the whole unit again resolves them. */
export function isTransient(error: unknown): boolean {
  if (
    error instanceof DeadlockException ||
    error instanceof LockWaitTimeoutException ||
    // Two requests created the same client-owned session or event id at once: the retry finds it.
    error instanceof UniqueConstraintViolationException
  ) {
    return true;
  }
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
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
