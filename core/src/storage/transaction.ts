import {
  DeadlockException,
  LockWaitTimeoutException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Database } from './database.js';

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
    // Two writers created the same row at once (a client-owned session or event id, the first
    // publish of a package name): the retry's own checks find the winner's row.
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
export async function writeTransaction<T>(
  db: Database,
  work: (em: SqlEntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.em().transactional((em) => work(em as SqlEntityManager));
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
