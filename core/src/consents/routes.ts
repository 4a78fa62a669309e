import Router from '@koa/router';
import { validator } from '../http/validation.js';
import { ConsentTypeInputSchema, type ConsentTypes, consentTypeView } from './consents.js';

const validateInput = validator(ConsentTypeInputSchema);

/** `/api/consents`: the consent types customers can give. */
export function consentTypeRoutes(types: ConsentTypes): Router {
  const router = new Router({ prefix: '/api/consents' });
  router.get('/', async (ctx) => {
    ctx.body = { items: (await types.all()).map(consentTypeView) };
  });
  router.post('/', async (ctx) => {
    const type = await types.create(validateInput(ctx.request.body));
    ctx.status = 201;
    ctx.body = consentTypeView(type);
  });
  router.get('/:id', async (ctx) => {
    ctx.body = consentTypeView(await types.get(ctx.params.id!));
  });
  router.put('/:id', async (ctx) => {
    ctx.body = consentTypeView(await types.replace(ctx.params.id!, validateInput(ctx.request.body)));
  });
  router.delete('/:id', async (ctx) => {
    await types.remove(ctx.params.id!);
    ctx.status = 204;
  });
  return router;
}
