import { hashPassword, verifyPassword } from '@cairn/core/auth/passwords';
import { ApiError } from '@cairn/core/http/errors';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { PackageSchema, type Publisher, PublisherSchema, SigningKeySchema } from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import { keyView } from './keys.js';
import type { PublisherAccount, PublisherInput, PublisherProfile } from './schemas.js';

/**
 * Names that open sign-up refuses, so nobody can pose as the project or the service; an operator
 * holding the admin token may still create them.
 */
export const RESERVED_NAMES = new Set([
  'cairn',
  'admin',
  'administrator',
  'registry',
  'api',
  'root',
  'support',
]);

export const accountView = (publisher: Publisher): PublisherAccount => ({
  name: publisher.name,
  email: publisher.email,
  createdAt: publisher.createdAt.toISOString(),
});

/** Publisher accounts: sign-up, password sign-in and public profiles. */
export class Publishers {
  constructor(private readonly db: Database) {}

  async create(input: PublisherInput, byOperator: boolean): Promise<Publisher> {
    if (RESERVED_NAMES.has(input.name) && !byOperator) {
      throw new ApiError(422, 'name_reserved', `The publisher name "${input.name}" is reserved.`, 'name');
    }
    const em = this.db.em();
    const email = input.email.toLowerCase();
    const taken = await em.findOne(PublisherSchema, { $or: [{ name: input.name }, { email }] });
    if (taken) throw this.conflict(taken.name === input.name ? 'name' : 'email');
    const now = new Date();
    const publisher = em.create(PublisherSchema, {
      id: uuidv7(),
      name: input.name,
      email,
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    });
    try {
      await em.flush();
    } catch (error) {
      // Another sign-up took the name or e-mail between the check and the insert.
      if (error instanceof UniqueConstraintViolationException) {
        const again = await this.db.em().findOne(PublisherSchema, { name: input.name });
        throw this.conflict(again ? 'name' : 'email');
      }
      throw error;
    }
    return publisher;
  }

  private conflict(field: 'name' | 'email'): ApiError {
    return field === 'name'
      ? new ApiError(409, 'name_taken', 'A publisher with this name already exists.', 'name')
      : new ApiError(409, 'email_taken', 'A publisher with this e-mail already exists.', 'email');
  }

  /** The publisher when the name (or e-mail) and password match; null otherwise, in the same time. */
  async verify(login: { name?: string; email?: string }, password: string): Promise<Publisher | null> {
    const where =
      login.name !== undefined ? { name: login.name.toLowerCase() } : { email: login.email!.toLowerCase() };
    const publisher = await this.db.em().findOne(PublisherSchema, where);
    return (await verifyPassword(publisher?.passwordHash, password)) ? publisher : null;
  }

  async byId(id: string): Promise<Publisher | null> {
    return this.db.em().findOne(PublisherSchema, { id });
  }

  /** What anyone may see of a publisher: its name, active keys and packages. */
  async profile(name: string): Promise<PublisherProfile> {
    const em = this.db.em();
    const publisher = await em.findOne(PublisherSchema, { name });
    if (!publisher) throw new ApiError(404, 'not_found', `No publisher is named "${name}".`);
    const [keys, packages] = await Promise.all([
      em.find(
        SigningKeySchema,
        { publisherId: publisher.id, revokedAt: null },
        { orderBy: { createdAt: 'asc' } },
      ),
      em.find(PackageSchema, { publisherId: publisher.id }, { orderBy: { name: 'asc' }, fields: ['name'] }),
    ]);
    return {
      name: publisher.name,
      createdAt: publisher.createdAt.toISOString(),
      keys: keys.map(keyView),
      packages: packages.map((p) => p.name),
    };
  }
}
