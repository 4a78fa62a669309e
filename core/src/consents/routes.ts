import Router from '@koa/router';
import type { AuditLog } from '../audit/audit.js';
import { auditedCrud } from '../audit/crud.js';
import { validator } from '../http/validation.js';
import { ConsentTypeInputSchema, type ConsentTypes, consentTypeView } from './consents.js';

const validateInput = validator(ConsentTypeInputSchema);

/** `/api/consents`: the consent types customers can give. */
export function consentTypeRoutes(types: ConsentTypes, audit: AuditLog): Router {
  const router = new Router({ prefix: '/api/consents' });
  auditedCrud(router, '', {
    store: types,
    view: consentTypeView,
    validate: validateInput,
    audit,
    objectType: 'consent-type',
  });
  return router;
}
