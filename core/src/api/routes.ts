import Router from '@koa/router';
import type { AuditLog } from '../audit/audit.js';
import { auditedCrud } from '../audit/crud.js';
import { validator } from '../http/validation.js';
import { SourceInputSchema, type SourceRegistry, viewOf } from '../sources/sources.js';
import type { Database } from '../storage/orm.js';
import { addEventRoutes } from './events.js';
import { addProfileRoutes } from './profiles.js';

const validateSource = validator(SourceInputSchema);

/** Admin API (behind the admin token): event sources, profiles, events and sessions. */
export function apiRoutes(db: Database, sources: SourceRegistry, audit: AuditLog): Router {
  const router = new Router({ prefix: '/api' });

  auditedCrud(router, '/sources', {
    store: sources,
    view: viewOf,
    validate: validateSource,
    audit,
    objectType: 'source',
  });

  addProfileRoutes(router, db, audit);
  addEventRoutes(router, db);

  return router;
}
