import Router from '@koa/router';
import { type Static, Type } from '@sinclair/typebox';
import type { AuditLog } from '../audit/audit.js';
import { loadProfileForRead } from '../collector/identity.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import { SourceInputSchema, type SourceRegistry, viewOf } from '../sources/sources.js';
import { EventSchema } from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import { eventView, profileView } from './views.js';

const validateSource = validator(SourceInputSchema);

const EventQuerySchema = Type.Object(
  {
    profile: Type.Optional(Type.String({ minLength: 1, maxLength: 191 })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  },
  { additionalProperties: false },
);
const validateEventQuery = validator(EventQuerySchema, 'query');
type EventQuery = Static<typeof EventQuerySchema>;

const MAX_LIMIT = 1000;

function limitOf(query: EventQuery): number {
  const limit = query.limit === undefined ? 100 : Number(query.limit);
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new ApiError(422, 'validation_failed', `limit must be between 1 and ${MAX_LIMIT}.`, 'limit');
  }
  return limit;
}

/** Admin API (behind the admin token): event sources, profiles and events. */
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

  router.get('/profiles/:id', async (ctx) => {
    const profile = await loadProfileForRead(db.em(), ctx.params.id!);
    if (!profile) throw new ApiError(404, 'not_found', `No profile has the id or alias "${ctx.params.id}".`);
    ctx.body = profileView(profile);
  });

  router.get('/events', async (ctx) => {
    const query = validateEventQuery({ ...ctx.query });
    const em = db.em();
    const where: Record<string, unknown> = {};
    if (query.profile) {
      const profile = await loadProfileForRead(em, query.profile);
      where.profileId = profile?.id ?? query.profile;
    }
    if (query.type) where.type = query.type;
    if (query.source) where.sourceId = query.source;
    const events = await em.find(EventSchema, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: limitOf(query),
    });
    ctx.body = { items: events.map(eventView) };
  });

  return router;
}
