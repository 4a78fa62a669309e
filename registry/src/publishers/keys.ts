import { createPublicKey } from 'node:crypto';
import { ApiError } from '@cairn/core/http/errors';
import { keyIdOf } from '@cairn/sdk/package';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { type Publisher, type SigningKey, SigningKeySchema } from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import type { KeyInput, KeyView } from './schemas.js';

export const keyView = (key: SigningKey): KeyView => ({
  keyId: key.keyId,
  publicKey: key.publicKey,
  name: key.name ?? null,
  createdAt: key.createdAt.toISOString(),
  revokedAt: key.revokedAt?.toISOString() ?? null,
});

function isEd25519PublicKey(publicKey: string): boolean {
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== publicKey) return false;
  try {
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The ed25519 keys publishers sign packages with. A key belongs to one publisher for good: a revoked
 * key cannot be registered again, by anyone, so a signature made with it never becomes valid anew.
 */
export class SigningKeys {
  constructor(private readonly db: Database) {}

  async add(publisher: Publisher, input: KeyInput): Promise<SigningKey> {
    if (!isEd25519PublicKey(input.publicKey)) {
      throw new ApiError(
        422,
        'invalid_public_key',
        'publicKey is not a raw 32-byte ed25519 public key in base64url.',
        'publicKey',
      );
    }
    const keyId = keyIdOf(input.publicKey);
    const em = this.db.em();
    const existing = await em.findOne(SigningKeySchema, { keyId });
    if (existing) throw this.conflict(existing, publisher);
    const key = em.create(SigningKeySchema, {
      keyId,
      publisherId: publisher.id,
      publicKey: input.publicKey,
      name: input.name ?? null,
      createdAt: new Date(),
      revokedAt: null,
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        const winner = await this.db.em().findOne(SigningKeySchema, { keyId });
        if (winner) throw this.conflict(winner, publisher);
      }
      throw error;
    }
    return key;
  }

  private conflict(existing: SigningKey, publisher: Publisher): ApiError {
    if (existing.publisherId !== publisher.id) {
      return new ApiError(
        409,
        'key_taken',
        'This public key is registered by another publisher.',
        'publicKey',
      );
    }
    return existing.revokedAt
      ? new ApiError(
          409,
          'key_revoked',
          `Key ${existing.keyId} was revoked; generate a new key.`,
          'publicKey',
        )
      : new ApiError(409, 'key_exists', `Key ${existing.keyId} is already registered.`, 'publicKey');
  }

  /** Every key of the publisher, revoked ones too, oldest first. */
  async list(publisher: Publisher): Promise<SigningKey[]> {
    return this.db
      .em()
      .find(SigningKeySchema, { publisherId: publisher.id }, { orderBy: { createdAt: 'asc' } });
  }

  async revoke(publisher: Publisher, keyId: string): Promise<SigningKey> {
    const em = this.db.em();
    const key = await em.findOne(SigningKeySchema, { keyId, publisherId: publisher.id });
    if (!key) throw new ApiError(404, 'not_found', `You have no key "${keyId}".`);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await em.flush();
    }
    return key;
  }

  /** The key a new version names: it must be the publisher's own and not revoked. */
  async forSigning(publisher: Publisher, keyId: string): Promise<SigningKey> {
    const key = await this.db.em().findOne(SigningKeySchema, { keyId });
    if (!key || key.publisherId !== publisher.id) {
      throw new ApiError(
        403,
        'unknown_key',
        `Key "${keyId}" is not one of your registered keys; add it with POST /api/keys.`,
        'X-Cairn-Key-Id',
      );
    }
    if (key.revokedAt) {
      throw new ApiError(
        403,
        'key_revoked',
        `Key "${keyId}" was revoked on ${key.revokedAt.toISOString()} and cannot sign new versions.`,
        'X-Cairn-Key-Id',
      );
    }
    return key;
  }

  async byId(keyId: string): Promise<SigningKey | null> {
    return this.db.em().findOne(SigningKeySchema, { keyId });
  }
}
