import Router from '@koa/router';
import { type Static, Type } from '@sinclair/typebox';
import type { Context } from 'koa';
import { v7 as uuidv7 } from 'uuid';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import { type AuditEntry, AuditEntrySchema } from '../storage/config-entities.js';
import type { Database } from '../storage/orm.js';

export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'deploy'
  | 'rollback'
  | 'erase'
  | 'export'
  | 'login'
  | 'login-failed'
  | 'logout'
  | 'revoke'
  | 'password-reset'
  | 'install'
  | 'uninstall';
export type AuditObject =
  | 'source'
  | 'flow'
  | 'rule'
  | 'resource'
  | 'consent-type'
  | 'profile'
  | 'user'
  | 'token'
  | 'session'
  | 'plugin';

export interface AuditRecord {
  action: AuditAction;
  objectType: AuditObject;
  objectId: string;
  /** The object as the API shows it (secrets masked), before and after the change. */
  before?: unknown;
  after?: unknown;
}

/** Who the request acts for, as the auth middleware set it. */
export function actorOf(ctx: Context): string {
  return typeof ctx.state.actor === 'string' ? ctx.state.actor : 'anonymous';
}

const plain = (value: unknown) =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Record<string, unknown>);

/** The audit log: who created, changed, deployed or deleted which configuration object, and when. */
export class AuditLog {
  constructor(private readonly db: Database) {}

  async record(ctx: Context, record: AuditRecord): Promise<void> {
    const em = this.db.em();
    em.create(AuditEntrySchema, {
      id: uuidv7(),
      at: new Date(),
      actor: actorOf(ctx),
      action: record.action,
      objectType: record.objectType,
      objectId: record.objectId,
      before: plain(record.before),
      after: plain(record.after),
    });
    await em.flush();
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const where: Record<string, unknown> = {};
    if (query.objectType) where.objectType = query.objectType;
    if (query.objectId) where.objectId = query.objectId;
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (limit < 1 || limit > 1000)
      throw new ApiError(422, 'validation_failed', 'limit must be between 1 and 1000.', 'limit');
    return this.db.em().find(AuditEntrySchema, where, { orderBy: { at: 'desc', id: 'desc' }, limit });
  }
}

export const AuditQuerySchema = Type.Object(
  {
    objectType: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    objectId: Type.Optional(Type.String({ minLength: 1, maxLength: 191 })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  },
  { additionalProperties: false },
);
type AuditQuery = Static<typeof AuditQuerySchema>;
const validateQuery = validator(AuditQuerySchema, 'query');

/** `GET /api/audit?objectType=&objectId=&limit=`: newest first. */
export function auditRoutes(audit: AuditLog): Router {
  const router = new Router({ prefix: '/api/audit' });
  router.get('/', async (ctx) => {
    const entries = await audit.list(validateQuery({ ...ctx.query }));
    ctx.body = {
      items: entries.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        objectType: e.objectType,
        objectId: e.objectId,
        before: e.before ?? null,
        after: e.after ?? null,
      })),
    };
  });
  return router;
}
