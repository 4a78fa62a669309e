import { newSecret, secretHash } from '@cairn/core/auth/secrets';
import { ApiError } from '@cairn/core/http/errors';
import { v7 as uuidv7 } from 'uuid';
import {
  type Publisher,
  PublisherSchema,
  type PublisherToken,
  PublisherTokenSchema,
} from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import type { TokenView } from './schemas.js';

const TOKEN_PREFIX = 'crt_';

export const tokenView = (token: PublisherToken): TokenView => ({
  id: token.id,
  name: token.name,
  kind: token.kind as TokenView['kind'],
  prefix: token.prefix,
  createdAt: token.createdAt.toISOString(),
  expiresAt: token.expiresAt?.toISOString() ?? null,
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  revokedAt: token.revokedAt?.toISOString() ?? null,
});

/**
 * Bearer tokens of publishers: API tokens that live until revoked, and the expiring tokens a
 * sign-in returns. Only the SHA-256 of a secret is stored; the secret is shown once.
 */
export class PublisherTokens {
  constructor(
    private readonly db: Database,
    private readonly loginTokenDays: number,
  ) {}

  async issue(
    publisher: Publisher,
    name: string,
    kind: 'api' | 'login',
  ): Promise<{ token: string; record: PublisherToken }> {
    const token = newSecret(TOKEN_PREFIX);
    const now = new Date();
    const em = this.db.em();
    const record = em.create(PublisherTokenSchema, {
      id: uuidv7(),
      publisherId: publisher.id,
      name,
      kind,
      secretHash: secretHash(token),
      prefix: token.slice(0, 10),
      createdAt: now,
      expiresAt: kind === 'login' ? new Date(now.getTime() + this.loginTokenDays * 86_400_000) : null,
      lastUsedAt: null,
      revokedAt: null,
    });
    await em.flush();
    return { token, record };
  }

  /** The publisher a bearer token stands for; null when it is unknown, expired or revoked. */
  async resolve(token: string): Promise<Publisher | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const em = this.db.em();
    const record = await em.findOne(PublisherTokenSchema, { secretHash: secretHash(token) });
    const now = new Date();
    if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= now)) return null;
    // A use is recorded at most once a minute, so a busy CI job does not write on every call.
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > 60_000) {
      await em.nativeUpdate(PublisherTokenSchema, { id: record.id }, { lastUsedAt: now });
    }
    return em.findOne(PublisherSchema, { id: record.publisherId });
  }

  /** The tokens that still work, newest first. */
  async list(publisher: Publisher): Promise<PublisherToken[]> {
    return this.db.em().find(
      PublisherTokenSchema,
      {
        publisherId: publisher.id,
        revokedAt: null,
        $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }],
      },
      { orderBy: { createdAt: 'desc' } },
    );
  }

  async revoke(publisher: Publisher, id: string): Promise<PublisherToken> {
    const em = this.db.em();
    const record = await em.findOne(PublisherTokenSchema, { id, publisherId: publisher.id });
    if (!record) throw new ApiError(404, 'not_found', `You have no token "${id}".`);
    if (!record.revokedAt) {
      record.revokedAt = new Date();
      await em.flush();
    }
    return record;
  }
}
