import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A person who signs in to the console or the admin API. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'user_account',
  uniques: [{ name: 'user_account_email_unique', properties: ['email'] }],
  properties: {
    id: p.string().length(36).primary(),
    /** Stored lower-cased; sign-in compares lower-cased. */
    email: p.string().length(191),
    name: p.string().length(191),
    roles: p.json<string[]>(),
    enabled: p.boolean(),
    /** After this time the account cannot sign in and its sessions and tokens stop working. */
    expiresAt: p.datetime(3).nullable(),
    /** argon2id, in the PHC string format. */
    passwordHash: p.text(),
    passwordChangedAt: p.datetime(3),
    lastLoginAt: p.datetime(3).nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type User = InferEntity<typeof UserSchema>;

/** A signed-in session: a browser cookie or a bearer session token. Only the token's hash is kept. */
export const AuthSessionSchema = defineEntity({
  name: 'AuthSession',
  tableName: 'auth_session',
  indexes: [{ name: 'auth_session_user_idx', properties: ['userId'] }],
  properties: {
    /** SHA-256 of the session token, hex. */
    id: p.string().length(64).primary(),
    userId: p.string().length(36),
    kind: p.string().length(16),
    /** Required in `X-CSRF-Token` on writes authenticated by the cookie. */
    csrfToken: p.string().length(64),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
    createdAt: p.datetime(3),
    expiresAt: p.datetime(3),
  },
});
export type AuthSession = InferEntity<typeof AuthSessionSchema>;

/** A scoped, revocable credential for automation, owned by a user. Only the secret's hash is kept. */
export const ApiTokenSchema = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  indexes: [{ name: 'api_token_user_idx', properties: ['userId'] }],
  uniques: [{ name: 'api_token_hash_unique', properties: ['secretHash'] }],
  properties: {
    id: p.string().length(36).primary(),
    userId: p.string().length(36),
    name: p.string().length(191),
    /** The permissions the token may use; its owner's current permissions also apply. */
    permissions: p.json<string[]>(),
    /** SHA-256 of the token, hex. */
    secretHash: p.string().length(64),
    /** The token's first characters, to recognise it in a list. */
    prefix: p.string().length(16),
    createdAt: p.datetime(3),
    expiresAt: p.datetime(3).nullable(),
    lastUsedAt: p.datetime(3).nullable(),
    revokedAt: p.datetime(3).nullable(),
  },
});
export type ApiToken = InferEntity<typeof ApiTokenSchema>;

export const authEntities = [UserSchema, AuthSessionSchema, ApiTokenSchema];
