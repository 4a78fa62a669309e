import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../audit/audit.js';
import { validator } from '../http/validation.js';
import { testConnection } from './connection-test.js';
import { ResourceInputSchema, type ResourceStore } from './resources.js';

const validateInput = validator(ResourceInputSchema);
/** `POST /api/resources/:id/test`: which credential set to try (production when left out). */
export const ConnectionTestInputSchema = Type.Object(
  { set: Type.Optional(Type.Union([Type.Literal('production'), Type.Literal('test')])) },
  { additionalProperties: false },
);
const validateTest = validator(ConnectionTestInputSchema);

/** `/api/resources`: credentials, masked in every answer, and their connection test. */
export function resourceRoutes(resources: ResourceStore, audit: AuditLog): Router {
  const router = new Router({ prefix: '/api/resources' });
  router.get('/', async (ctx) => {
    ctx.body = { items: (await resources.list()).map((r) => resources.view(r)) };
  });
  router.post('/', async (ctx) => {
    const resource = await resources.create(validateInput(ctx.request.body));
    ctx.status = 201;
    ctx.body = resources.view(resource);
    await audit.record(ctx, {
      action: 'create',
      objectType: 'resource',
      objectId: resource.id,
      after: ctx.body,
    });
  });
  router.get('/:id', async (ctx) => {
    ctx.body = resources.view(await resources.get(ctx.params.id!));
  });
  router.put('/:id', async (ctx) => {
    const input = validateInput(ctx.request.body);
    const before = resources.view(await resources.get(ctx.params.id!));
    ctx.body = resources.view(await resources.replace(ctx.params.id!, input));
    await audit.record(ctx, {
      action: 'update',
      objectType: 'resource',
      objectId: ctx.params.id!,
      before,
      after: ctx.body,
    });
  });
  router.delete('/:id', async (ctx) => {
    const before = resources.view(await resources.get(ctx.params.id!));
    await resources.remove(ctx.params.id!);
    ctx.status = 204;
    await audit.record(ctx, { action: 'delete', objectType: 'resource', objectId: ctx.params.id!, before });
  });
  router.post('/:id/test', async (ctx) => {
    const { set = 'production' } = validateTest(ctx.request.body ?? {});
    ctx.body = await testConnection(await resources.credentials(ctx.params.id!, set));
  });
  return router;
}
