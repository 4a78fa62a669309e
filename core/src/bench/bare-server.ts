/**
 * The baseline of the benchmark: a Koa app with the same body parser as Cairn, answering a JSON
 * POST with a small JSON body and doing nothing else. Listens on the port given as argument.
 */
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';

const app = new Koa();
app.use(bodyParser({ enableTypes: ['json'] }));
app.use((ctx) => {
  ctx.body = { ok: true, received: typeof ctx.request.body === 'object' };
});
const server = app.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('listening'));
server.keepAliveTimeout = 65_000;
