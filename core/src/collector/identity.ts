import type { EntityManager } from '@mikro-orm/core';
import { type Profile, ProfileIdentitySchema, ProfileSchema } from '../storage/entities.js';

/** The profile that owns `idOrAlias`, without locking: for reads outside a write transaction. */
export async function loadProfileForRead(em: EntityManager, idOrAlias: string): Promise<Profile | null> {
  const direct = await em.findOne(ProfileSchema, { id: idOrAlias });
  if (direct) return direct;
  const identity = await em.findOne(ProfileIdentitySchema, { alias: idOrAlias });
  return identity ? em.findOne(ProfileSchema, { id: identity.profileId }) : null;
}
