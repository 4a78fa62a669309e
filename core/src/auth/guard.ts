import type { Context, Next } from 'koa';
import { ApiError } from '../http/errors.js';
import { type Credentials, type Principal, SESSION_COOKIE } from './credentials.js';
import { isPublicRoute, routePermission } from './permissions.js';
import { sameSecret } from './secrets.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The principal the auth guard resolved for this request. */
export function principalOf(ctx: Context): Principal {
  const principal = ctx.state.principal as Principal | undefined;
  if (!principal) throw new ApiError(401, 'unauthorized', 'Sign in or send a bearer token.');
  return principal;
}

function unauthorized(ctx: Context, message: string): never {
  ctx.set('WWW-Authenticate', 'Bearer realm="cairn"');
  throw new ApiError(401, 'unauthorized', message);
}

/** Reads the credential of a request: a bearer token first, else the session cookie. */
export async function authenticate(
  credentials: Credentials,
  authorization: string | undefined,
  sessionCookie: string | undefined,
): Promise<{ principal: Principal | null; viaCookie: boolean; presented: boolean }> {
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  if (authorization) {
    return {
      principal: bearer ? await credentials.fromBearer(bearer) : null,
      viaCookie: false,
      presented: true,
    };
  }
  if (sessionCookie) {
    return {
      principal: await credentials.fromSession(sessionCookie, 'cookie'),
      viaCookie: true,
      presented: true,
    };
  }
  return { principal: null, viaCookie: false, presented: false };
}

/**
 * Guards `/api/*` (and `/metrics`): 401 without a valid credential, 403 for a cookie-authenticated
 * write without the session's CSRF token or for a permission the caller lacks. Routes that are not
 * in the permission table are refused to everyone.
 */
export function authGuard(credentials: Credentials) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method === 'OPTIONS' || isPublicRoute(ctx.method, ctx.path)) return next();
    const { principal, viaCookie, presented } = await authenticate(
      credentials,
      ctx.get('Authorization') || undefined,
      ctx.cookies.get(SESSION_COOKIE),
    );
    if (!principal) {
      unauthorized(
        ctx,
        presented
          ? 'The credential is invalid, expired or revoked; sign in again.'
          : 'Sign in, or send Authorization: Bearer <token>.',
      );
    }
    if (viaCookie && !SAFE_METHODS.has(ctx.method)) {
      const given = ctx.get('X-CSRF-Token');
      if (!given || !principal.csrfToken || !sameSecret(given, principal.csrfToken)) {
        throw new ApiError(
          403,
          'csrf_failed',
          'A write signed in by cookie must send the session’s CSRF token in X-CSRF-Token.',
        );
      }
    }
    ctx.state.principal = principal;
    ctx.state.actor = principal.actor;
    const route = routePermission(ctx.method, ctx.path);
    if (!route) throw new ApiError(404, 'not_found', `No route ${ctx.method} ${ctx.path}.`);
    if (route.permission && !principal.permissions.has(route.permission)) {
      throw new ApiError(
        403,
        'forbidden',
        `${ctx.method} ${route.path} needs the ${route.permission} permission, which your account does not have.`,
      );
    }
    await next();
  };
}
