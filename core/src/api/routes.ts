import Router from '@koa/router';
import type { AuditLog } from '../audit/audit.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import { SourceInputSchema, type SourceRegistry, viewOf } from '../sources/sources.js';
import type { Database } from '../storage/orm.js';
import { addEventRoutes } from './events.js';
import { addProfileRoutes } from './profiles.js';

const validateSource = validator(SourceInputSchema);

/** Admin API (behind the admin token): event sources, profiles, events and sessions. */
export function apiRoutes(db: Database, sources: SourceRegistry, audit: AuditLog): Router {
  const router = new Router({ prefix: '/api' });

  router.get('/sources', async (ctx) => {
    ctx.body = { items: (await sources.list()).map(viewOf) };
  });
  router.post('/sources', async (ctx) => {
    const source = await sources.create(validateSource(ctx.request.body));
    ctx.status = 201;
    ctx.body = viewOf(source);
    await audit.record(ctx, { action: 'create', objectType: 'source', objectId: source.id, after: ctx.body });
  });
  /** The source's view, or a 404: read before a change so the audit log has the "before". */
  const existing = async (id: string) => {
    const source = await sources.find(id);
    if (!source) throw new ApiError(404, 'not_found', `Event source "${id}" does not exist.`);
    return viewOf(source);
  };
  router.get('/sources/:id', async (ctx) => {
    ctx.body = await existing(ctx.params.id!);
  });
  router.put('/sources/:id', async (ctx) => {
    const input = validateSource(ctx.request.body);
    const before = await existing(ctx.params.id!);
    ctx.body = viewOf(await sources.replace(ctx.params.id!, input));
    await audit.record(ctx, {
      action: 'update',
      objectType: 'source',
      objectId: ctx.params.id!,
      before,
      after: ctx.body,
    });
  });
  router.delete('/sources/:id', async (ctx) => {
    const before = await existing(ctx.params.id!);
    await sources.remove(ctx.params.id!);
    ctx.status = 204;
    await audit.record(ctx, { action: 'delete', objectType: 'source', objectId: ctx.params.id!, before });
  });

  addProfileRoutes(router, db, audit);
  addEventRoutes(router, db);

  return router;
}
