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
  router.get('/sources/:id', async (ctx) => {
    const source = await sources.find(ctx.params.id!);
    if (!source) throw new ApiError(404, 'not_found', `Event source "${ctx.params.id}" does not exist.`);
    ctx.body = viewOf(source);
  });
  router.put('/sources/:id', async (ctx) => {
    const input = validateSource(ctx.request.body);
    const current = await sources.find(ctx.params.id!);
    ctx.body = viewOf(await sources.replace(ctx.params.id!, input));
    await audit.record(ctx, {
      action: current ? 'update' : 'create',
      objectType: 'source',
      objectId: ctx.params.id!,
      before: current ? viewOf(current) : undefined,
      after: ctx.body,
    });
  });
  router.delete('/sources/:id', async (ctx) => {
    const current = await sources.find(ctx.params.id!);
    await sources.remove(ctx.params.id!);
    ctx.status = 204;
    await audit.record(ctx, {
      action: 'delete',
      objectType: 'source',
      objectId: ctx.params.id!,
      before: current ? viewOf(current) : undefined,
    });
  });

  addProfileRoutes(router, db, audit);
  addEventRoutes(router, db);

  return router;
}
