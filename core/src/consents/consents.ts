import { type Static, Type } from '@sinclair/typebox';
import { ApiError } from '../http/errors.js';
import { type ConsentType, ConsentTypeSchema } from '../storage/config-entities.js';
import type { Database } from '../storage/orm.js';

export const ConsentTypeInputSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    name: Type.String({ minLength: 1, maxLength: 191 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    revokable: Type.Optional(Type.Boolean()),
    defaultValue: Type.Optional(Type.Boolean()),
    /** Seconds after a grant when it lapses; omit or null to keep it until revoked. */
    autoRevoke: Type.Optional(
      Type.Union([Type.Integer({ minimum: 60, maximum: 100 * 365 * 86_400 }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);
export type ConsentTypeInput = Static<typeof ConsentTypeInputSchema>;

export function consentTypeView(type: ConsentType) {
  return {
    id: type.id,
    name: type.name,
    description: type.description,
    revokable: type.revokable,
    defaultValue: type.defaultValue,
    autoRevoke: type.autoRevokeSeconds ?? null,
    createdAt: type.createdAt.toISOString(),
    updatedAt: type.updatedAt.toISOString(),
  };
}

/** A profile's stored consents: consent id → `{revoke}`, the time a grant lapses or null. */
export type StoredConsents = Record<string, { revoke?: string | null } | undefined>;

/**
 * The consents that hold at `now`: grants whose `revoke` time has passed are dropped, and types
 * that default to granted count as granted for profiles that never answered them.
 */
export function effectiveConsents(
  stored: StoredConsents,
  types: readonly ConsentType[],
  now: Date,
): StoredConsents {
  const result: StoredConsents = {};
  for (const [id, grant] of Object.entries(stored)) {
    const revoke = grant?.revoke ? Date.parse(grant.revoke) : Number.NaN;
    if (Number.isNaN(revoke) || revoke > now.getTime()) result[id] = { revoke: grant?.revoke ?? null };
  }
  for (const type of types) {
    if (type.defaultValue && !(type.id in stored)) result[type.id] = { revoke: null };
  }
  return result;
}

const CACHE_TTL_MS = 2000;

/** Consent types: what customers can consent to, and for how long. */
export class ConsentTypes {
  private cache: { types: ConsentType[]; until: number } | undefined;

  constructor(private readonly db: Database) {}

  async list(): Promise<ConsentType[]> {
    if (!this.cache || this.cache.until < Date.now()) {
      const types = await this.db.em().find(ConsentTypeSchema, {}, { orderBy: { id: 'asc' } });
      this.cache = { types, until: Date.now() + CACHE_TTL_MS };
    }
    return this.cache.types;
  }

  async get(id: string): Promise<ConsentType> {
    const type = await this.db.em().findOne(ConsentTypeSchema, { id });
    if (!type) throw new ApiError(404, 'not_found', `Consent type "${id}" does not exist.`);
    return type;
  }

  async create(input: ConsentTypeInput): Promise<ConsentType> {
    const em = this.db.em();
    if (await em.findOne(ConsentTypeSchema, { id: input.id })) {
      throw new ApiError(409, 'consent_type_exists', `Consent type "${input.id}" already exists.`, 'id');
    }
    const now = new Date();
    const type = em.create(ConsentTypeSchema, {
      id: input.id,
      ...settingsOf(input),
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    this.cache = undefined;
    return type;
  }

  async replace(id: string, input: ConsentTypeInput): Promise<ConsentType> {
    if (input.id !== id) throw new ApiError(422, 'validation_failed', 'id cannot be changed.', 'id');
    const em = this.db.em();
    const type = await em.findOne(ConsentTypeSchema, { id });
    if (!type) throw new ApiError(404, 'not_found', `Consent type "${id}" does not exist.`);
    em.assign(type, { ...settingsOf(input), updatedAt: new Date() });
    await em.flush();
    this.cache = undefined;
    return type;
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.db.em().nativeDelete(ConsentTypeSchema, { id });
    this.cache = undefined;
    if (deleted === 0) throw new ApiError(404, 'not_found', `Consent type "${id}" does not exist.`);
  }
}

function settingsOf(input: ConsentTypeInput) {
  return {
    name: input.name,
    description: input.description ?? '',
    revokable: input.revokable ?? true,
    defaultValue: input.defaultValue ?? false,
    autoRevokeSeconds: input.autoRevoke ?? null,
  };
}
