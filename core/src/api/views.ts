import type { EventRecord, ProfileRecord, SessionRecord } from '../storage/records.js';
import type { EventView, IdentityView, ProfileView, SessionView } from './schemas.js';

/**
 * The last few dates written, by time: the times of one request (its event, session and profile
 * updates, all "now") and of a group of requests are mostly the same instant, and formatting a
 * date costs more than finding it here.
 */
const recentIso = new Map<number, string>();
const RECENT_ISO = 64;

function iso(date: Date | null | undefined): string | null {
  if (!date) return null;
  const time = date.getTime();
  let text = recentIso.get(time);
  if (text === undefined) {
    text = date.toISOString();
    if (recentIso.size >= RECENT_ISO) recentIso.clear();
    recentIso.set(time, text);
  }
  return text;
}

/** A profile in Tracardi's shape: `metadata.time.{create,update,visit}` and `stats` nested. */
export function profileView(profile: ProfileRecord): ProfileView {
  return {
    id: profile.id,
    ids: profile.ids,
    active: profile.active,
    metadata: {
      time: {
        create: iso(profile.createdAt),
        update: iso(profile.updatedAt),
        visit: {
          last: iso(profile.visitLast),
          current: iso(profile.visitCurrent),
          count: profile.stats.visits,
        },
      },
    },
    stats: profile.stats,
    traits: profile.traits,
    data: profile.data,
    consents: profile.consents,
    segments: profile.segments,
    interests: profile.interests,
  };
}

export function sessionView(session: SessionRecord): SessionView {
  return {
    id: session.id,
    profile: session.profileId ? { id: session.profileId } : null,
    metadata: {
      time: { insert: iso(session.createdAt), update: iso(session.updatedAt) },
      status: session.status,
    },
    context: session.context,
    device: session.device,
    os: session.os,
    app: session.app,
    utm: session.utm,
  };
}

export function eventView(event: EventRecord): EventView {
  return {
    id: event.id,
    type: event.type,
    metadata: {
      time: { create: iso(event.createdAt), insert: iso(event.insertedAt) },
      status: event.status,
    },
    source: { id: event.sourceId },
    session: event.sessionId ? { id: event.sessionId } : null,
    profile: event.profileId ? { id: event.profileId } : null,
    properties: event.properties,
    context: event.context,
    tags: event.tags,
    request: { ip: event.ip ?? null, userAgent: event.userAgent ?? null },
  };
}

/** One alias of a profile: a merged id, an external id… */
export function identityView(identity: { alias: string; kind: string; createdAt: Date }): IdentityView {
  return { alias: identity.alias, kind: identity.kind, createdAt: identity.createdAt.toISOString() };
}
