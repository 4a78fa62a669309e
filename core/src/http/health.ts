import Router from '@koa/router';
import type { Database } from '../storage/database.js';

/** `/healthz`: the process answers; `/readyz`: and so does its database. The server's and the registry's. */
export function healthRoutes(db: Database): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = await db.ping();
    ctx.status = ready ? 200 : 503;
    ctx.body = ready
      ? { status: 'ready', database: db.dialect }
      : { error: { code: 'not_ready', message: 'The database does not answer.' } };
  });
  return router;
}
