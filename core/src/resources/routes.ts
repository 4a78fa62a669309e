import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { validator } from '../http/validation.js';
import { testConnection } from './connection-test.js';
import { ResourceInputSchema, type ResourceStore } from './resources.js';

const validateInput = validator(ResourceInputSchema);
const validateTest = validator(
  Type.Object(
    { set: Type.Optional(Type.Union([Type.Literal('production'), Type.Literal('test')])) },
    { additionalProperties: false },
  ),
);

/** `/api/resources`: credentials, masked in every answer, and their connection test. */
export function resourceRoutes(resources: ResourceStore): Router {
  const router = new Router({ prefix: '/api/resources' });
  router.get('/', async (ctx) => {
    ctx.body = { items: (await resources.list()).map((r) => resources.view(r)) };
  });
  router.post('/', async (ctx) => {
    const resource = await resources.create(validateInput(ctx.request.body));
    ctx.status = 201;
    ctx.body = resources.view(resource);
  });
  router.get('/:id', async (ctx) => {
    ctx.body = resources.view(await resources.get(ctx.params.id!));
  });
  router.put('/:id', async (ctx) => {
    ctx.body = resources.view(await resources.replace(ctx.params.id!, validateInput(ctx.request.body)));
  });
  router.delete('/:id', async (ctx) => {
    await resources.remove(ctx.params.id!);
    ctx.status = 204;
  });
  router.post('/:id/test', async (ctx) => {
    const { set = 'production' } = validateTest(ctx.request.body ?? {});
    ctx.body = await testConnection(await resources.credentials(ctx.params.id!, set));
  });
  return router;
}
