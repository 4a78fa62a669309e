import { sameSecret } from '@cairn/core/auth/secrets';
import { SignInThrottle } from '@cairn/core/auth/throttle';
import { ApiError } from '@cairn/core/http/errors';
import { validator } from '@cairn/core/http/validation';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { accountView, type Publishers } from './accounts.js';
import { bearerOf, requirePublisher } from './guard.js';
import { keyView, type SigningKeys } from './keys.js';
import { KeyInputSchema, LoginInputSchema, PublisherInputSchema, TokenInputSchema } from './schemas.js';
import { type PublisherTokens, tokenView } from './tokens.js';

const validatePublisher = validator(PublisherInputSchema);
const validateLogin = validator(LoginInputSchema);
const validateToken = validator(TokenInputSchema);
const validateKey = validator(KeyInputSchema);

export interface PublisherRouteOptions {
  publishers: Publishers;
  tokens: PublisherTokens;
  keys: SigningKeys;
  logger: Logger;
  openSignup: boolean;
  adminToken: string | undefined;
  loginAttempts: number;
  loginWindowMinutes: number;
}

/** `/api/publishers`, `/api/auth/*`, `/api/tokens` and `/api/keys`. */
export function publisherRoutes(options: PublisherRouteOptions): Router {
  const { publishers, tokens, keys, logger } = options;
  const throttle = new SignInThrottle(options.loginAttempts, options.loginWindowMinutes);
  const router = new Router({ prefix: '/api' });

  const isOperator = (ctx: Context) => {
    const bearer = bearerOf(ctx);
    return options.adminToken !== undefined && bearer !== undefined && sameSecret(bearer, options.adminToken);
  };

  router.post('/publishers', async (ctx) => {
    const input = validatePublisher(ctx.request.body);
    const operator = isOperator(ctx);
    if (!options.openSignup && !operator) {
      throw new ApiError(
        403,
        'signup_closed',
        'This registry does not take sign-ups; ask its operator to create your publisher account.',
      );
    }
    const publisher = await publishers.create(input, operator);
    logger.info({ publisher: publisher.name, byOperator: operator }, 'publisher created');
    ctx.status = 201;
    ctx.body = accountView(publisher);
  });

  router.get('/publishers/:name', async (ctx) => {
    ctx.body = await publishers.profile(ctx.params.name!);
  });

  router.post('/auth/login', async (ctx) => {
    const input = validateLogin(ctx.request.body);
    if ((input.name === undefined) === (input.email === undefined)) {
      throw new ApiError(422, 'validation_failed', 'Send either name or email, not both.', 'name');
    }
    const who = (input.name ?? input.email!).toLowerCase();
    await throttle.check(ctx, who);
    const publisher = await publishers.verify(input, input.password);
    if (!publisher) {
      await throttle.failed(ctx, who);
      logger.warn({ login: 'failed', who, ip: ctx.ip }, 'sign-in failed');
      throw new ApiError(401, 'invalid_credentials', 'The name, e-mail or password is wrong.');
    }
    await throttle.succeeded(ctx, who);
    const { token, record } = await tokens.issue(publisher, `login ${new Date().toISOString()}`, 'login');
    ctx.body = { token, expiresAt: record.expiresAt!.toISOString(), publisher: accountView(publisher) };
  });

  router.get('/auth/me', async (ctx) => {
    ctx.body = accountView(await requirePublisher(ctx, tokens));
  });

  router.get('/tokens', async (ctx) => {
    ctx.body = { items: (await tokens.list(await requirePublisher(ctx, tokens))).map(tokenView) };
  });
  router.post('/tokens', async (ctx) => {
    const publisher = await requirePublisher(ctx, tokens);
    const { name } = validateToken(ctx.request.body);
    const { token, record } = await tokens.issue(publisher, name, 'api');
    ctx.status = 201;
    ctx.body = { ...tokenView(record), token };
  });
  router.delete('/tokens/:id', async (ctx) => {
    await tokens.revoke(await requirePublisher(ctx, tokens), ctx.params.id!);
    ctx.status = 204;
  });

  router.get('/keys', async (ctx) => {
    ctx.body = { items: (await keys.list(await requirePublisher(ctx, tokens))).map(keyView) };
  });
  router.post('/keys', async (ctx) => {
    const publisher = await requirePublisher(ctx, tokens);
    const key = await keys.add(publisher, validateKey(ctx.request.body));
    logger.info({ publisher: publisher.name, keyId: key.keyId }, 'signing key added');
    ctx.status = 201;
    ctx.body = keyView(key);
  });
  router.delete('/keys/:keyId', async (ctx) => {
    const publisher = await requirePublisher(ctx, tokens);
    const key = await keys.revoke(publisher, ctx.params.keyId!);
    logger.info({ publisher: publisher.name, keyId: key.keyId }, 'signing key revoked');
    ctx.status = 204;
  });

  return router;
}
