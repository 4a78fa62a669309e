import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit.js';
import { auditedCrud } from '../audit/crud.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import { type Accounts, Password, randomPassword, UserInputSchema, userView } from './accounts.js';
import {
  type Credentials,
  type Principal,
  SESSION_COOKIE,
  TokenInputSchema,
  tokenView,
} from './credentials.js';
import { authenticate, principalOf } from './guard.js';
import { SignInThrottle } from './throttle.js';

export const LoginInputSchema = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 191 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    /** `cookie` (default) sets an httpOnly session cookie; `token` returns a bearer session token. */
    mode: Type.Optional(Type.Union([Type.Literal('cookie'), Type.Literal('token')])),
  },
  { additionalProperties: false },
);
export const PasswordChangeSchema = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export const PasswordResetSchema = Type.Object(
  { password: Type.Optional(Password) },
  { additionalProperties: false },
);
export const TokenListQuerySchema = Type.Object(
  { all: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
  { additionalProperties: false },
);

const validateLogin = validator(LoginInputSchema);
const validateUser = validator(UserInputSchema);
const validatePasswordChange = validator(PasswordChangeSchema);
const validatePasswordReset = validator(PasswordResetSchema);
const validateToken = validator(TokenInputSchema);
const validateTokenQuery = validator(TokenListQuerySchema, 'query');

export interface AuthRouteOptions {
  accounts: Accounts;
  credentials: Credentials;
  audit: AuditLog;
  logger: Logger;
  loginAttempts: number;
  loginWindowMinutes: number;
}

function whoAmI(principal: Principal) {
  return {
    user: principal.user ? userView(principal.user) : null,
    kind: principal.kind,
    permissions: [...principal.permissions],
    ...(principal.csrfToken ? { csrfToken: principal.csrfToken } : {}),
  };
}

/** `/api/auth/*` (sign-in, sign-out, own password), `/api/users` and `/api/tokens`. */
export function authRoutes(options: AuthRouteOptions): Router {
  const { accounts, credentials, audit, logger } = options;
  const throttle = new SignInThrottle(options.loginAttempts, options.loginWindowMinutes);
  const router = new Router({ prefix: '/api' });

  router.post('/auth/login', async (ctx) => {
    const input = validateLogin(ctx.request.body);
    const email = input.email.toLowerCase();
    await throttle.check(ctx, email);
    const user = await accounts.verify(email, input.password);
    ctx.state.actor = email;
    if (!user) {
      await throttle.failed(ctx, email);
      logger.warn({ login: 'failed', email, ip: ctx.ip, requestId: ctx.state.requestId }, 'sign-in failed');
      await audit.record(ctx, { action: 'login-failed', objectType: 'user', objectId: email });
      throw new ApiError(
        401,
        'invalid_credentials',
        'The e-mail or password is wrong, or the account is disabled.',
      );
    }
    await throttle.succeeded(ctx, email);
    const mode = input.mode ?? 'cookie';
    const { token, session } = await credentials.startSession(user, mode === 'cookie' ? 'cookie' : 'bearer', {
      ip: ctx.ip,
      userAgent: ctx.get('User-Agent'),
    });
    await accounts.touchLogin(user);
    logger.info({ login: 'ok', email, ip: ctx.ip, mode, requestId: ctx.state.requestId }, 'signed in');
    await audit.record(ctx, { action: 'login', objectType: 'user', objectId: user.id });
    if (mode === 'cookie') {
      ctx.cookies.set(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.secure,
        path: '/',
        expires: session.expiresAt,
        overwrite: true,
      });
    }
    ctx.body = {
      user: userView(user),
      expiresAt: session.expiresAt.toISOString(),
      ...(mode === 'cookie' ? { csrfToken: session.csrfToken } : { token }),
    };
  });

  router.post('/auth/logout', async (ctx) => {
    const principal = principalOf(ctx);
    if (principal.sessionId) {
      await credentials.endSession(principal.sessionId);
      await audit.record(ctx, { action: 'logout', objectType: 'user', objectId: principal.user!.id });
    }
    ctx.cookies.set(SESSION_COOKIE, null, { path: '/', httpOnly: true, sameSite: 'strict' });
    ctx.status = 204;
  });

  router.get('/auth/me', (ctx) => {
    ctx.body = whoAmI(principalOf(ctx));
  });

  // Public: tells a page whether it is signed in without a refused request (`user: null` if not).
  router.get('/auth/session', async (ctx) => {
    const { principal } = await authenticate(
      credentials,
      ctx.get('Authorization') || undefined,
      ctx.cookies.get(SESSION_COOKIE),
    );
    ctx.body = principal ? whoAmI(principal) : { user: null, kind: null, permissions: [] };
  });

  router.post('/auth/password', async (ctx) => {
    const principal = principalOf(ctx);
    const input = validatePasswordChange(ctx.request.body);
    if (!principal.user) throw new ApiError(422, 'no_user', 'The machine token has no password.');
    if (!(await accounts.verify(principal.user.email, input.currentPassword))) {
      throw new ApiError(422, 'validation_failed', 'currentPassword is wrong.', 'currentPassword');
    }
    await accounts.setPassword(principal.user.id, input.newPassword);
    await audit.record(ctx, { action: 'password-reset', objectType: 'user', objectId: principal.user.id });
    ctx.status = 204;
  });

  auditedCrud(router, '/users', {
    store: accounts,
    view: userView,
    validate: validateUser,
    audit,
    objectType: 'user',
  });
  router.post('/users/:id/password', async (ctx) => {
    const input = validatePasswordReset(ctx.request.body ?? {});
    const password = input.password ?? randomPassword();
    await accounts.setPassword(ctx.params.id!, password);
    await audit.record(ctx, { action: 'password-reset', objectType: 'user', objectId: ctx.params.id! });
    // A generated password is shown once, to the admin who asked for it.
    ctx.body = input.password ? { reset: true } : { reset: true, password };
  });

  router.get('/tokens', async (ctx) => {
    const { all } = validateTokenQuery({ ...ctx.query });
    ctx.body = { items: (await credentials.listTokens(principalOf(ctx), all === 'true')).map(tokenView) };
  });
  router.post('/tokens', async (ctx) => {
    const { token, record } = await credentials.createToken(
      principalOf(ctx),
      validateToken(ctx.request.body),
    );
    ctx.status = 201;
    ctx.body = { ...tokenView(record), token };
    await audit.record(ctx, {
      action: 'create',
      objectType: 'token',
      objectId: record.id,
      after: tokenView(record),
    });
  });
  router.delete('/tokens/:id', async (ctx) => {
    const record = await credentials.revokeToken(principalOf(ctx), ctx.params.id!);
    ctx.status = 204;
    await audit.record(ctx, {
      action: 'revoke',
      objectType: 'token',
      objectId: record.id,
      after: tokenView(record),
    });
  });

  return router;
}
