import { randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import { ApiError } from '../http/errors.js';
import { AuthSessionSchema, type User, UserSchema } from '../storage/auth-entities.js';
import type { Database } from '../storage/orm.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { type Permission, permissionsOf, ROLES, type Role } from './permissions.js';

export const Password = Type.String({ minLength: 12, maxLength: 256 });
const Email = Type.String({ format: 'email', maxLength: 191 });
const Roles = Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1, uniqueItems: true });
const ExpiresAt = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const UserInputSchema = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 191 }),
    roles: Roles,
    enabled: Type.Optional(Type.Boolean()),
    expiresAt: Type.Optional(ExpiresAt),
    /** Required when creating; when replacing, absent keeps the current password. */
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export type UserInput = Static<typeof UserInputSchema>;

export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  permissions: Permission[];
  enabled: boolean;
  expiresAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function userView(user: User): UserView {
  const roles = user.roles as Role[];
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles,
    permissions: [...permissionsOf(roles)],
    enabled: user.enabled,
    expiresAt: user.expiresAt?.toISOString() ?? null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** Whether the account may act now: enabled and not past its expiry. */
export const isActive = (user: User, now = new Date()): boolean =>
  user.enabled && (user.expiresAt === null || user.expiresAt === undefined || user.expiresAt > now);

export const randomPassword = (): string => randomBytes(18).toString('base64url');

/** User accounts: argon2id password hashes, roles, expiry, and the guard against locking everyone out. */
export class Accounts {
  constructor(private readonly db: Database) {}

  async list(): Promise<User[]> {
    return this.db.em().find(UserSchema, {}, { orderBy: { email: 'asc' } });
  }

  async get(id: string): Promise<User> {
    const user = await this.db.em().findOne(UserSchema, { id });
    if (!user) throw new ApiError(404, 'not_found', `User "${id}" does not exist.`);
    return user;
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.db.em().findOne(UserSchema, { email: email.toLowerCase() });
  }

  async count(): Promise<number> {
    return this.db.em().count(UserSchema, {});
  }

  async create(input: UserInput): Promise<User> {
    if (input.password === undefined) {
      throw new ApiError(422, 'validation_failed', 'password is required.', 'password');
    }
    const em = this.db.em();
    const email = input.email.toLowerCase();
    if (await em.count(UserSchema, { email })) {
      throw new ApiError(409, 'user_exists', `A user with the e-mail "${email}" exists.`, 'email');
    }
    const now = new Date();
    const user = em.create(UserSchema, {
      id: uuidv7(),
      email,
      name: input.name,
      roles: input.roles,
      enabled: input.enabled ?? true,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      passwordHash: await hashPassword(input.password),
      passwordChangedAt: now,
      lastLoginAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    return user;
  }

  async replace(id: string, input: UserInput): Promise<User> {
    const em = this.db.em();
    const user = await em.findOne(UserSchema, { id });
    if (!user) throw new ApiError(404, 'not_found', `User "${id}" does not exist.`);
    const email = input.email.toLowerCase();
    if (email !== user.email && (await em.count(UserSchema, { email }))) {
      throw new ApiError(409, 'user_exists', `A user with the e-mail "${email}" exists.`, 'email');
    }
    const next = {
      email,
      name: input.name,
      roles: input.roles,
      enabled: input.enabled ?? true,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    };
    if (user.roles.includes('admin') && isActive(user)) {
      const stillAdmin =
        next.roles.includes('admin') && next.enabled && (!next.expiresAt || next.expiresAt > new Date());
      if (!stillAdmin) await this.keepOneAdmin(user.id);
    }
    const revokeSessions = !next.enabled || input.password !== undefined;
    em.assign(user, { ...next, updatedAt: new Date() });
    if (input.password !== undefined) {
      em.assign(user, { passwordHash: await hashPassword(input.password), passwordChangedAt: new Date() });
    }
    await em.flush();
    if (revokeSessions) await this.endSessions(user.id);
    return user;
  }

  async remove(id: string): Promise<User> {
    const em = this.db.em();
    const user = await em.findOne(UserSchema, { id });
    if (!user) throw new ApiError(404, 'not_found', `User "${id}" does not exist.`);
    if (user.roles.includes('admin') && isActive(user)) await this.keepOneAdmin(id);
    await this.endSessions(id);
    await em.nativeDelete(UserSchema, { id });
    return user;
  }

  /** Sets a new password and signs the user out everywhere. */
  async setPassword(id: string, password: string): Promise<void> {
    const em = this.db.em();
    const user = await em.findOne(UserSchema, { id });
    if (!user) throw new ApiError(404, 'not_found', `User "${id}" does not exist.`);
    em.assign(user, {
      passwordHash: await hashPassword(password),
      passwordChangedAt: new Date(),
      updatedAt: new Date(),
    });
    await em.flush();
    await this.endSessions(id);
  }

  /** The account whose password matches, if it may sign in; same work whether or not it exists. */
  async verify(email: string, password: string): Promise<User | null> {
    const user = await this.findByEmail(email);
    const ok = await verifyPassword(user?.passwordHash, password);
    return ok && user && isActive(user) ? user : null;
  }

  async touchLogin(user: User): Promise<void> {
    await this.db.em().nativeUpdate(UserSchema, { id: user.id }, { lastLoginAt: new Date() });
  }

  /**
   * On the first start with no accounts, creates an admin. Returns the password when it was
   * generated, so the caller can show it once.
   */
  async bootstrap(
    email: string,
    password: string | undefined,
  ): Promise<{ email: string; password?: string } | null> {
    if ((await this.count()) > 0) return null;
    const chosen = password ?? randomPassword();
    await this.create({ email, name: 'Administrator', roles: ['admin'], password: chosen });
    return password ? { email } : { email, password: chosen };
  }

  private async endSessions(userId: string): Promise<void> {
    await this.db.em().nativeDelete(AuthSessionSchema, { userId });
  }

  private async keepOneAdmin(changing: string): Promise<void> {
    const admins = (await this.list()).filter(
      (u) => u.id !== changing && u.roles.includes('admin') && isActive(u),
    );
    if (admins.length === 0) {
      throw new ApiError(409, 'last_admin', 'This is the last active admin; make another user admin first.');
    }
  }
}
