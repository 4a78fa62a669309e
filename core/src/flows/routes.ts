import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { validator } from '../http/validation.js';
import type { PluginStore } from '../plugins/store.js';
import { DebugInputSchema, debugFlow } from './debug.js';
import { FlowInputSchema, type FlowService } from './flows.js';
import type { FlowExecutor } from './processor.js';
import { RuleInputSchema, type RuleService, ruleView } from './rules.js';

const validateFlowInput = validator(FlowInputSchema);
const validateRuleInput = validator(RuleInputSchema);
const validateDebug = validator(DebugInputSchema);
const validateRollback = validator(
  Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
);

/** `/api/plugins`, `/api/flows` (drafts, deploy, versions, rollback, debug) and `/api/rules`. */
export function flowRoutes(
  flows: FlowService,
  rules: RuleService,
  plugins: PluginStore,
  executor: FlowExecutor,
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
  });
  router.get('/flows/:id', async (ctx) => {
    ctx.body = await flows.view(await flows.get(ctx.params.id!));
  });
  router.put('/flows/:id', async (ctx) => {
    ctx.body = await flows.view(await flows.replace(ctx.params.id!, validateFlowInput(ctx.request.body)));
  });
  router.delete('/flows/:id', async (ctx) => {
    await flows.remove(ctx.params.id!);
    ctx.status = 204;
  });
  router.post('/flows/:id/deploy', async (ctx) => {
    ctx.status = 201;
    ctx.body = await flows.deploy(ctx.params.id!);
  });
  router.get('/flows/:id/versions', async (ctx) => {
    ctx.body = { items: await flows.versions(ctx.params.id!) };
  });
  router.post('/flows/:id/rollback', async (ctx) => {
    ctx.body = await flows.rollback(ctx.params.id!, validateRollback(ctx.request.body).version);
  });

  router.post('/flows/:id/debug', async (ctx) => {
    ctx.body = await debugFlow(flows, executor, ctx.params.id!, validateDebug(ctx.request.body));
  });

  router.get('/rules', async (ctx) => {
    ctx.body = { items: (await rules.list()).map(ruleView) };
  });
  router.post('/rules', async (ctx) => {
    const rule = await rules.create(validateRuleInput(ctx.request.body));
    ctx.status = 201;
    ctx.body = ruleView(rule);
  });
  router.get('/rules/:id', async (ctx) => {
    ctx.body = ruleView(await rules.get(ctx.params.id!));
  });
  router.put('/rules/:id', async (ctx) => {
    ctx.body = ruleView(await rules.replace(ctx.params.id!, validateRuleInput(ctx.request.body)));
  });
  router.delete('/rules/:id', async (ctx) => {
    await rules.remove(ctx.params.id!);
    ctx.status = 204;
  });

  return router;
}
