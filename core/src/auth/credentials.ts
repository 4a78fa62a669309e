import { randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import { ApiError } from '../http/errors.js';
import {
  type ApiToken,
  ApiTokenSchema,
  type AuthSession,
  AuthSessionSchema,
  type User,
  UserSchema,
} from '../storage/auth-entities.js';
import type { Database } from '../storage/orm.js';
import { isActive } from './accounts.js';
import { PERMISSIONS, type Permission, permissionsOf, type Role } from './permissions.js';
import { newSecret, sameSecret, secretHash } from './secrets.js';

/** Who a request acts for, and what it may do. */
export interface Principal {
  kind: 'session' | 'token' | 'machine';
  /** Shown in the audit log and request logs. */
  actor: string;
  user: User | null;
  permissions: ReadonlySet<Permission>;
  /** Set for cookie sessions: writes must echo it in `X-CSRF-Token`. */
  csrfToken?: string;
  sessionId?: string;
}

export const SESSION_COOKIE = 'cairn_session';
const SESSION_PREFIX = 'cs_';
const TOKEN_PREFIX = 'ct_';

export const TokenInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 191 }),
    /** A subset of the owner's permissions; absent: all of them. */
    permissions: Type.Optional(
      Type.Array(Type.Union(PERMISSIONS.map((p) => Type.Literal(p))), {
        uniqueItems: true,
        maxItems: PERMISSIONS.length,
      }),
    ),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type TokenInput = Static<typeof TokenInputSchema>;

export interface TokenView {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const tokenView = (t: ApiToken): TokenView => ({
  id: t.id,
  userId: t.userId,
  name: t.name,
  prefix: t.prefix,
  permissions: t.permissions,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/**
 * Sign-in sessions (cookie or bearer), API tokens and the configured machine token. Only hashes of
 * session and token secrets are stored; every check reloads the user, so a disabled or expired
 * account stops working at once.
 */
export class Credentials {
  constructor(
    private readonly db: Database,
    private readonly machineToken: string | undefined,
    private readonly sessionHours: number,
  ) {}

  async startSession(
    user: User,
    kind: 'cookie' | 'bearer',
    client: { ip?: string; userAgent?: string },
  ): Promise<{ token: string; session: AuthSession }> {
    const token = newSecret(SESSION_PREFIX);
    const now = new Date();
    const em = this.db.em();
    const session = em.create(AuthSessionSchema, {
      id: secretHash(token),
      userId: user.id,
      kind,
      csrfToken: randomBytes(24).toString('base64url'),
      ip: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.sessionHours * 3_600_000),
    });
    await em.flush();
    return { token, session };
  }

  async endSession(sessionId: string): Promise<void> {
    await this.db.em().nativeDelete(AuthSessionSchema, { id: sessionId });
  }

  /** Resolves a bearer credential: machine token, session token or API token. */
  async fromBearer(token: string): Promise<Principal | null> {
    if (this.machineToken && sameSecret(token, this.machineToken)) {
      return { kind: 'machine', actor: 'admin-token', user: null, permissions: new Set(PERMISSIONS) };
    }
    if (token.startsWith(SESSION_PREFIX)) return this.fromSession(token, 'bearer');
    if (token.startsWith(TOKEN_PREFIX)) return this.fromApiToken(token);
    return null;
  }

  /** Resolves a session token; cookie sessions carry their CSRF token. */
  async fromSession(token: string, kind: 'cookie' | 'bearer'): Promise<Principal | null> {
    const em = this.db.em();
    const session = await em.findOne(AuthSessionSchema, { id: secretHash(token) });
    if (!session || session.kind !== kind) return null;
    if (session.expiresAt <= new Date()) {
      await em.nativeDelete(AuthSessionSchema, { id: session.id });
      return null;
    }
    const user = await em.findOne(UserSchema, { id: session.userId });
    if (!user || !isActive(user)) return null;
    return {
      kind: 'session',
      actor: user.email,
      user,
      permissions: permissionsOf(user.roles as Role[]),
      sessionId: session.id,
      ...(kind === 'cookie' ? { csrfToken: session.csrfToken } : {}),
    };
  }

  private async fromApiToken(token: string): Promise<Principal | null> {
    const em = this.db.em();
    const record = await em.findOne(ApiTokenSchema, { secretHash: secretHash(token) });
    const now = new Date();
    if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= now)) return null;
    const user = await em.findOne(UserSchema, { id: record.userId });
    if (!user || !isActive(user, now)) return null;
    const owner = permissionsOf(user.roles as Role[]);
    const permissions = new Set(
      record.permissions.filter((p): p is Permission => owner.has(p as Permission)),
    );
    // A use is recorded at most once a minute, so busy scripts do not write on every call.
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > 60_000) {
      await em.nativeUpdate(ApiTokenSchema, { id: record.id }, { lastUsedAt: now });
    }
    return {
      kind: 'token',
      actor: `${user.email} (token ${record.name})`,
      user,
      permissions,
    };
  }

  async createToken(owner: Principal, input: TokenInput): Promise<{ token: string; record: ApiToken }> {
    if (!owner.user) {
      throw new ApiError(422, 'no_owner', 'API tokens belong to a user; sign in as one to create them.');
    }
    const granted = input.permissions ?? [...owner.permissions];
    const index = granted.findIndex((p) => !owner.permissions.has(p));
    if (index >= 0) {
      throw new ApiError(
        422,
        'validation_failed',
        `permissions[${index}] "${granted[index]}" is not one of your own permissions.`,
        `permissions[${index}]`,
      );
    }
    const token = newSecret(TOKEN_PREFIX);
    const em = this.db.em();
    const record = em.create(ApiTokenSchema, {
      id: uuidv7(),
      userId: owner.user.id,
      name: input.name,
      permissions: granted,
      secretHash: secretHash(token),
      prefix: token.slice(0, 10),
      createdAt: new Date(),
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      lastUsedAt: null,
      revokedAt: null,
    });
    await em.flush();
    return { token, record };
  }

  /** The caller's own tokens; with `users:read`, `all` lists everyone's. */
  async listTokens(principal: Principal, all: boolean): Promise<ApiToken[]> {
    if (all && !principal.permissions.has('users:read')) {
      throw new ApiError(403, 'forbidden', 'Listing every user’s tokens needs the users:read permission.');
    }
    const where = all ? {} : { userId: principal.user?.id ?? '' };
    return this.db.em().find(ApiTokenSchema, where, { orderBy: { createdAt: 'desc' } });
  }

  /** Revokes a token of the caller's own, or anyone's with `users:write`. */
  async revokeToken(principal: Principal, id: string): Promise<ApiToken> {
    const em = this.db.em();
    const record = await em.findOne(ApiTokenSchema, { id });
    const mine = record && principal.user && record.userId === principal.user.id;
    if (!record || (!mine && !principal.permissions.has('users:write'))) {
      throw new ApiError(404, 'not_found', `API token "${id}" does not exist.`);
    }
    if (!record.revokedAt) {
      record.revokedAt = new Date();
      await em.flush();
    }
    return record;
  }
}
