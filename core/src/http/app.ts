import '@koa/bodyparser';
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Koa, { type Context } from 'koa';
import type { Logger } from 'pino';
import { apiRoutes } from '../api/routes.js';
import { statsRoutes } from '../api/stats.js';
import { AuditLog, auditRoutes } from '../audit/audit.js';
import type { Accounts } from '../auth/accounts.js';
import type { Credentials } from '../auth/credentials.js';
import { authGuard } from '../auth/guard.js';
import { authRoutes } from '../auth/routes.js';
import { Collector } from '../collector/collector.js';
import { collectorRoutes } from '../collector/routes.js';
import type { CairnConfig } from '../config/config.js';
import { ConsentTypes } from '../consents/consents.js';
import { consentTypeRoutes } from '../consents/routes.js';
import { FlowService } from '../flows/flows.js';
import { EventProcessor, type FlowExecutor } from '../flows/processor.js';
import { flowRoutes } from '../flows/routes.js';
import { RuleService } from '../flows/rules.js';
import type { LiveHub } from '../live/live.js';
import { metricsRoute, requestLog, requestMetrics } from '../observability/http.js';
import type { Metrics } from '../observability/metrics.js';
import type { PluginInstaller } from '../plugins/installer.js';
import { pluginAdminRoutes } from '../plugins/routes.js';
import type { PluginStore } from '../plugins/store.js';
import type { ResourceStore } from '../resources/resources.js';
import { resourceRoutes } from '../resources/routes.js';
import { originAllowed, SourceRegistry } from '../sources/sources.js';
import type { Database } from '../storage/orm.js';
import { consoleFiles } from './console.js';
import { errorHandler } from './errors.js';
import { healthRoutes } from './health.js';
import type { InFlightRequests } from './in-flight.js';
import { openApiRoutes } from './openapi.js';

export interface AppDeps {
  config: CairnConfig;
  db: Database;
  logger: Logger;
  accounts: Accounts;
  credentials: Credentials;
  inFlight: InFlightRequests;
  plugins: PluginStore;
  sandbox: FlowExecutor;
  resources: ResourceStore;
  metrics: Metrics;
  live: LiveHub;
  installer: PluginInstaller;
}

const COLLECTOR_PATH = /^\/(track|customer\/consent|collect\/[^/]+\/([^/]+))\/?$/;

/**
 * CORS for the collector endpoints. A webhook URL names its source, so its origins decide; a
 * `/track` preflight carries no body, so any enabled source's origins may pass it and the handler
 * then checks the origin against the source the body names.
 */
function collectorCors(sources: SourceRegistry) {
  return cors({
    origin: async (ctx: Context) => {
      const origin = ctx.get('Origin');
      const match = COLLECTOR_PATH.exec(ctx.path);
      if (!origin || !match) return '';
      if (match[2]) {
        const source = await sources.find(decodeURIComponent(match[2]));
        return source?.enabled && originAllowed(source.allowedOrigins, origin) ? origin : '';
      }
      return (await sources.anyAllows(origin)) ? origin : '';
    },
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'X-Cairn-Write-Key'],
    maxAge: 600,
  });
}

/** Error codes of a client that went away while its answer was being sent. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export function createApp({
  config,
  db,
  logger,
  accounts,
  credentials,
  inFlight,
  plugins,
  sandbox,
  resources,
  metrics,
  live,
  installer,
}: AppDeps): { app: Koa; processor: EventProcessor } {
  const app = new Koa({ proxy: config.trustProxy });
  const audit = new AuditLog(db);
  const sources = new SourceRegistry(db);
  const collector = new Collector(db, { writeLanes: config.writeLanes, maxGroup: config.maxWriteGroup });
  const rules = new RuleService(db);
  const consentTypes = new ConsentTypes(db);
  const processor = new EventProcessor(
    db,
    rules,
    sandbox,
    collector,
    consentTypes,
    plugins,
    resources,
    metrics,
    logger,
    // A flow started by then ends (event time limit) before a sweep may take its event, a limit later.
    { startWithinMs: config.sandbox.pendingAfterMs - 2 * config.sandbox.eventTimeoutMs },
    live,
  );
  const flows = new FlowService(
    db,
    () => plugins.catalog(),
    resources,
    () => processor.invalidate(),
  );

  // Errors after the answer started (a response stream that broke) reach Koa, not `errorHandler`:
  // logged as JSON lines like the rest instead of Koa's stack trace on stderr.
  app.on('error', (error: NodeJS.ErrnoException, ctx?: Koa.Context) => {
    const where = { err: error, method: ctx?.method, path: ctx?.path };
    if (CLIENT_GONE.has(error.code ?? ''))
      logger.debug(where, 'the client closed the connection before the answer ended');
    else logger.error(where, 'answering failed');
  });
  app.use(inFlight.middleware());
  app.use(requestLog(logger));
  app.use(requestMetrics(metrics));
  app.use(errorHandler(logger, config.maxBodyBytes));
  app.use(collectorCors(sources));
  app.use(consoleFiles(config.consoleDir));
  const guard = authGuard(credentials);
  app.use(async (ctx, next) =>
    ctx.path === '/api' || ctx.path.startsWith('/api/') ? guard(ctx, next) : next(),
  );
  app.use(
    bodyParser({
      enableTypes: ['json', 'form', 'text'],
      jsonLimit: config.maxBodyBytes,
      formLimit: config.maxBodyBytes,
      textLimit: config.maxBodyBytes,
      jsonStrict: true,
    }),
  );

  app.use(healthRoutes(db).routes());

  const collect = collectorRoutes({
    db,
    collector,
    processor,
    sources,
    consentTypes,
    metrics,
    live,
    maxEventsPerRequest: config.maxEventsPerRequest,
  });
  app.use(collect.routes()).use(collect.allowedMethods());

  const api = apiRoutes(db, sources, audit);
  app.use(api.routes()).use(api.allowedMethods());
  const flowApi = flowRoutes(flows, rules, plugins, sandbox, audit);
  app.use(flowApi.routes()).use(flowApi.allowedMethods());
  const consentApi = consentTypeRoutes(consentTypes, audit);
  app.use(consentApi.routes()).use(consentApi.allowedMethods());
  // Without a separate metrics port, `/metrics` is served here behind the admin token.
  if (!config.metricsPort) app.use(metricsRoute(metrics, guard).routes());
  const resourceApi = resourceRoutes(resources, audit);
  app.use(resourceApi.routes()).use(resourceApi.allowedMethods());
  const authApi = authRoutes({
    accounts,
    credentials,
    audit,
    logger,
    loginAttempts: config.auth.loginAttempts,
    loginWindowMinutes: config.auth.loginWindowMinutes,
  });
  app.use(authApi.routes()).use(authApi.allowedMethods());
  const pluginAdmin = pluginAdminRoutes(installer, plugins, audit);
  app.use(pluginAdmin.routes()).use(pluginAdmin.allowedMethods());
  app.use(statsRoutes(db).routes());
  app.use(openApiRoutes().routes());
  const auditApi = auditRoutes(audit);
  app.use(auditApi.routes()).use(auditApi.allowedMethods());

  return { app, processor };
}
