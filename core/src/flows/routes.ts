import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../audit/audit.js';
import { auditedCrud } from '../audit/crud.js';
import { validator } from '../http/validation.js';
import type { PluginStore } from '../plugins/store.js';
import { DebugInputSchema, debugFlow } from './debug.js';
import { FlowInputSchema, type FlowService } from './flows.js';
import type { FlowExecutor } from './processor.js';
import { RuleInputSchema, type RuleService, ruleView } from './rules.js';

const validateFlowInput = validator(FlowInputSchema);
const validateRuleInput = validator(RuleInputSchema);
const validateDebug = validator(DebugInputSchema);
/** `POST /api/flows/:id/rollback`: the version to run again. */
export const RollbackInputSchema = Type.Object(
  { version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
const validateRollback = validator(RollbackInputSchema);

/** `/api/plugins`, `/api/flows` (drafts, deploy, versions, rollback, debug) and `/api/rules`. */
export function flowRoutes(
  flows: FlowService,
  rules: RuleService,
  plugins: PluginStore,
  executor: FlowExecutor,
  audit: AuditLog,
): Router {
  const router = new Router({ prefix: '/api' });

  router.get('/plugins', (ctx) => {
    ctx.body = { items: plugins.listed() };
  });

  router.get('/flows', async (ctx) => {
    ctx.body = { items: await Promise.all((await flows.list()).map((f) => flows.view(f))) };
  });
  router.post('/flows', async (ctx) => {
    const flow = await flows.create(validateFlowInput(ctx.request.body));
    ctx.status = 201;
    ctx.body = await flows.view(flow);
    await audit.record(ctx, { action: 'create', objectType: 'flow', objectId: flow.id, after: ctx.body });
  });
  router.get('/flows/:id', async (ctx) => {
    ctx.body = await flows.view(await flows.get(ctx.params.id!));
  });
  router.put('/flows/:id', async (ctx) => {
    const input = validateFlowInput(ctx.request.body);
    const before = await flows.view(await flows.get(ctx.params.id!));
    ctx.body = await flows.view(await flows.replace(ctx.params.id!, input));
    await audit.record(ctx, {
      action: 'update',
      objectType: 'flow',
      objectId: ctx.params.id!,
      before,
      after: ctx.body,
    });
  });
  router.delete('/flows/:id', async (ctx) => {
    const before = await flows.view(await flows.get(ctx.params.id!));
    await flows.remove(ctx.params.id!);
    ctx.status = 204;
    await audit.record(ctx, { action: 'delete', objectType: 'flow', objectId: ctx.params.id!, before });
  });
  router.post('/flows/:id/deploy', async (ctx) => {
    ctx.status = 201;
    ctx.body = await flows.deploy(ctx.params.id!);
    await audit.record(ctx, {
      action: 'deploy',
      objectType: 'flow',
      objectId: ctx.params.id!,
      after: ctx.body,
    });
  });
  router.get('/flows/:id/versions', async (ctx) => {
    ctx.body = { items: await flows.versions(ctx.params.id!) };
  });
  router.post('/flows/:id/rollback', async (ctx) => {
    ctx.body = await flows.rollback(ctx.params.id!, validateRollback(ctx.request.body).version);
    await audit.record(ctx, {
      action: 'rollback',
      objectType: 'flow',
      objectId: ctx.params.id!,
      after: ctx.body,
    });
  });

  router.post('/flows/:id/debug', async (ctx) => {
    ctx.body = await debugFlow(flows, executor, ctx.params.id!, validateDebug(ctx.request.body));
  });

  auditedCrud(router, '/rules', {
    store: rules,
    view: ruleView,
    validate: validateRuleInput,
    audit,
    objectType: 'rule',
  });

  return router;
}
