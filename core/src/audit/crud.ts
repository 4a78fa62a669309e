import type Router from '@koa/router';
import type { Validator } from '../http/validation.js';
import type { AuditLog, AuditObject } from './audit.js';

/** What a configuration collection offers; `get` answers 404 for an unknown id. */
export interface CrudStore<T, I> {
  list(): Promise<T[]>;
  create(input: I): Promise<T>;
  get(id: string): Promise<T>;
  replace(id: string, input: I): Promise<T>;
  remove(id: string): Promise<unknown>;
}

export interface AuditedCrudOptions<T, I> {
  store: CrudStore<T, I>;
  /** The object as the API shows it (and the audit log keeps it): secrets masked. */
  view: (item: T) => unknown;
  validate: Validator<I>;
  audit: AuditLog;
  objectType: AuditObject;
}

/**
 * `GET path`, `POST path`, `GET|PUT|DELETE path/:id` for a collection of configuration objects,
 * every change recorded in the audit log with the object before and after.
 */
export function auditedCrud<T extends { id: string }, I>(
  router: Router,
  path: string,
  { store, view, validate, audit, objectType }: AuditedCrudOptions<T, I>,
): void {
  // `''` under a router's prefix: the collection is the prefix itself.
  const collection = path || '/';
  router.get(collection, async (ctx) => {
    ctx.body = { items: (await store.list()).map(view) };
  });
  router.post(collection, async (ctx) => {
    const created = await store.create(validate(ctx.request.body));
    ctx.status = 201;
    ctx.body = view(created);
    await audit.record(ctx, { action: 'create', objectType, objectId: created.id, after: ctx.body });
  });
  router.get(`${path}/:id`, async (ctx) => {
    ctx.body = view(await store.get(ctx.params.id!));
  });
  router.put(`${path}/:id`, async (ctx) => {
    const input = validate(ctx.request.body);
    const before = view(await store.get(ctx.params.id!));
    ctx.body = view(await store.replace(ctx.params.id!, input));
    await audit.record(ctx, {
      action: 'update',
      objectType,
      objectId: ctx.params.id!,
      before,
      after: ctx.body,
    });
  });
  router.delete(`${path}/:id`, async (ctx) => {
    const before = view(await store.get(ctx.params.id!));
    await store.remove(ctx.params.id!);
    ctx.status = 204;
    await audit.record(ctx, { action: 'delete', objectType, objectId: ctx.params.id!, before });
  });
}
