import { type EntityManager, LockMode } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { type Profile, ProfileIdentitySchema, ProfileSchema } from '../storage/entities.js';

/**
 * Loads the profile that owns `idOrAlias` (its own id, or an alias such as a merged id or an
 * external id), locked for the rest of the transaction so concurrent events for one profile
 * apply one after the other.
 */
export async function loadProfileForUpdate(em: EntityManager, idOrAlias: string): Promise<Profile | null> {
  const lock = { lockMode: LockMode.PESSIMISTIC_WRITE } as const;
  const direct = await em.findOne(ProfileSchema, { id: idOrAlias }, lock);
  if (direct) return direct;
  const identity = await em.findOne(ProfileIdentitySchema, { alias: idOrAlias });
  return identity ? em.findOne(ProfileSchema, { id: identity.profileId }, lock) : null;
}

/** A new, empty profile with a server-generated id (time-ordered, so inserts stay index-local). */
export function createProfile(em: EntityManager, now: Date): Profile {
  return em.create(ProfileSchema, {
    id: uuidv7(),
    active: true,
    ids: [],
    traits: {},
    data: {},
    consents: {},
    segments: [],
    interests: {},
    stats: { visits: 0, views: 0, counters: {} },
    createdAt: now,
    updatedAt: now,
    visitLast: null,
    visitCurrent: null,
  });
}

/** Records `alias` (an id from an external system) as belonging to `profile`. */
export function addAlias(em: EntityManager, profile: Profile, alias: string, kind: string, now: Date): void {
  em.create(ProfileIdentitySchema, { alias, profileId: profile.id, kind, createdAt: now });
  profile.ids = [...profile.ids, alias];
}

/** The profile that owns `idOrAlias`, without locking: for reads outside a write transaction. */
export async function loadProfileForRead(em: EntityManager, idOrAlias: string): Promise<Profile | null> {
  const direct = await em.findOne(ProfileSchema, { id: idOrAlias });
  if (direct) return direct;
  const identity = await em.findOne(ProfileIdentitySchema, { alias: idOrAlias });
  return identity ? em.findOne(ProfileSchema, { id: identity.profileId }) : null;
}
