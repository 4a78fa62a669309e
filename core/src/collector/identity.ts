import type { EntityManager } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { type Profile, ProfileIdentitySchema, ProfileSchema } from '../storage/entities.js';

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
