import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../audit/audit.js';
import { auditedCrud } from '../audit/crud.js';
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
  auditedCrud(router, '', {
    store: resources,
    view: (r) => resources.view(r),
    validate: validateInput,
    audit,
    objectType: 'resource',
  });
  router.post('/:id/test', async (ctx) => {
    const { set = 'production' } = validateTest(ctx.request.body ?? {});
    ctx.body = await testConnection(await resources.credentials(ctx.params.id!, set));
  });
  return router;
}
