import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One JSON log line per request, with a request id (the caller's `X-Request-Id` when it is sane,
 * else a new one) that is also sent back, so a client's report can be found in the logs.
 */
export function requestLog(logger: Logger): Middleware {
  return async (ctx: Context, next: Next) => {
    const given = ctx.get('X-Request-Id');
    const id = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', id);
    const started = performance.now();
    try {
      await next();
    } finally {
      if (logger.isLevelEnabled('info')) {
        logger.info(
          {
            requestId: id,
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Math.round((performance.now() - started) * 100) / 100,
          },
          'request',
        );
      }
    }
  };
}

/** Latency by method, route pattern (never the raw path) and status. */
export function requestMetrics(metrics: Metrics): Middleware {
  return async (ctx: Context, next: Next) => {
    const stop = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      stop({ method: ctx.method, route: String(route), status: String(ctx.status) });
    }
  };
}

/** `GET /metrics` in Prometheus' text format, behind `guard`. */
export function metricsRoute(metrics: Metrics, guard?: Middleware): Router {
  const router = new Router();
  const serve = async (ctx: Context) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
  if (guard) router.get('/metrics', guard, serve);
  else router.get('/metrics', serve);
  return router;
}
