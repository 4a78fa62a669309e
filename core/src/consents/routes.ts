import Router from '@koa/router';
import type { AuditLog } from '../audit/audit.js';
import { validator } from '../http/validation.js';
import { ConsentTypeInputSchema, type ConsentTypes, consentTypeView } from './consents.js';

const validateInput = validator(ConsentTypeInputSchema);

/** `/api/consents`: the consent types customers can give. */
export function consentTypeRoutes(types: ConsentTypes, audit: AuditLog): Router {
  const router = new Router({ prefix: '/api/consents' });
  router.get('/', async (ctx) => {
    ctx.body = { items: (await types.all()).map(consentTypeView) };
  });
  router.post('/', async (ctx) => {
    const type = await types.create(validateInput(ctx.request.body));
    ctx.status = 201;
    ctx.body = consentTypeView(type);
    await audit.record(ctx, {
      action: 'create',
      objectType: 'consent-type',
      objectId: type.id,
      after: ctx.body,
    });
  });
  router.get('/:id', async (ctx) => {
    ctx.body = consentTypeView(await types.get(ctx.params.id!));
  });
  router.put('/:id', async (ctx) => {
    const input = validateInput(ctx.request.body);
    const before = consentTypeView(await types.get(ctx.params.id!));
    ctx.body = consentTypeView(await types.replace(ctx.params.id!, input));
    await audit.record(ctx, {
      action: 'update',
      objectType: 'consent-type',
      objectId: ctx.params.id!,
      before,
      after: ctx.body,
    });
  });
  router.delete('/:id', async (ctx) => {
    const before = consentTypeView(await types.get(ctx.params.id!));
    await types.remove(ctx.params.id!);
    ctx.status = 204;
    await audit.record(ctx, {
      action: 'delete',
      objectType: 'consent-type',
      objectId: ctx.params.id!,
      before,
    });
  });
  return router;
}
