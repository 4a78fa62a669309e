import type { EntityManager } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { type Event, EventSchema, type Profile, type Session, SessionSchema } from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import { writeTransaction } from '../storage/transaction.js';
import { addAlias, createProfile, loadProfileForUpdate } from './identity.js';
import { normaliseEventType, type TrackedEvent } from './schema.js';
import { parseUserAgent } from './user-agent.js';
import { extractUtm } from './utm.js';

/** Facts about the HTTP request an event arrived with. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | undefined;
  language: string | undefined;
}

/** A validated batch of events from one source, as the collector endpoints hand it over. */
export interface CollectBatch {
  sourceId: string;
  /** Profile id or alias the client named, if any. */
  profileId?: string | undefined;
  /**
   * What to do when `profileId` is unknown: `new` creates a profile with a server id (the client's
   * id is never adopted); `alias` creates one and records the client's id as its external id.
   */
  unknownProfile: 'new' | 'alias';
  /** Client-owned session id; `undefined` starts a new session, `null` stores no session. */
  sessionId: string | null | undefined;
  /** Profile-less events are stored without a profile or session. */
  profileLess: boolean;
  context: Record<string, unknown>;
  events: TrackedEvent[];
  request: RequestMeta;
}

export interface CollectResult {
  profile: { id: string } | null;
  session: { id: string } | null;
  events: string[];
  warnings: string[];
}

const PAGE_VIEW = 'page-view';

/**
 * Stores a batch of events and updates the profile and session they belong to, in one
 * transaction: either everything is written or nothing is. The profile row is locked while its
 * stats change, so concurrent batches for one profile never lose an update.
 */
export class Collector {
  constructor(private readonly db: Database) {}

  collect(batch: CollectBatch): Promise<CollectResult> {
    return writeTransaction(this.db, (em) => this.store(em, batch, new Date()));
  }

  private async store(em: EntityManager, batch: CollectBatch, now: Date): Promise<CollectResult> {
    const warnings: string[] = [];
    const existingSession =
      !batch.profileLess && batch.sessionId ? await em.findOne(SessionSchema, { id: batch.sessionId }) : null;

    let profile: Profile | null = null;
    if (!batch.profileLess) {
      profile = await this.resolveProfile(em, batch, existingSession, now, warnings);
    }

    let session: Session | null = null;
    let newVisit = false;
    if (profile) {
      if (existingSession) {
        session = existingSession;
        session.profileId = profile.id;
        session.updatedAt = now;
      } else if (batch.sessionId !== null) {
        session = this.createSession(em, batch, batch.sessionId ?? uuidv7(), profile.id, now);
        newVisit = true;
      }
    }

    const { ids, stored } = await this.storeEvents(em, batch, profile, session, now, warnings);

    if (profile) {
      if (newVisit) {
        profile.stats = { ...profile.stats, visits: profile.stats.visits + 1 };
        profile.visitLast = profile.visitCurrent ?? null;
        profile.visitCurrent = now;
      }
      const views = stored.filter((e) => e.type === PAGE_VIEW).length;
      if (views > 0) profile.stats = { ...profile.stats, views: profile.stats.views + views };
      profile.updatedAt = now;
    }
    await em.flush();
    return {
      profile: profile ? { id: profile.id } : null,
      session: session ? { id: session.id } : null,
      events: ids,
      warnings,
    };
  }

  private async resolveProfile(
    em: EntityManager,
    batch: CollectBatch,
    existingSession: Session | null,
    now: Date,
    warnings: string[],
  ): Promise<Profile> {
    const named = batch.profileId ?? existingSession?.profileId ?? undefined;
    if (named) {
      const found = await loadProfileForUpdate(em, named);
      if (found) return found;
      if (batch.profileId === undefined) {
        // The session points at a profile that no longer exists (erased): start afresh.
        return createProfile(em, now);
      }
      const created = createProfile(em, now);
      if (batch.unknownProfile === 'alias') {
        addAlias(em, created, batch.profileId, 'external', now);
      } else {
        warnings.push(`Profile "${batch.profileId}" is unknown; a new profile "${created.id}" was created.`);
      }
      return created;
    }
    return createProfile(em, now);
  }

  private createSession(
    em: EntityManager,
    batch: CollectBatch,
    id: string,
    profileId: string,
    now: Date,
  ): Session {
    const agent = parseUserAgent(batch.request.userAgent, batch.request.language);
    return em.create(SessionSchema, {
      id,
      profileId,
      context: batch.context,
      device: agent.device,
      os: agent.os,
      app: agent.app,
      utm: extractUtm(batch.context),
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
  }

  private async storeEvents(
    em: EntityManager,
    batch: CollectBatch,
    profile: Profile | null,
    session: Session | null,
    now: Date,
    warnings: string[],
  ): Promise<{ ids: string[]; stored: Event[] }> {
    const clientIds = batch.events.flatMap((e) => (e.id ? [e.id] : []));
    // Client ids make retries idempotent: an event already stored is acknowledged, not stored twice.
    const known = clientIds.length
      ? new Set((await em.find(EventSchema, { id: { $in: clientIds } }, { fields: ['id'] })).map((e) => e.id))
      : new Set<string>();
    const ids: string[] = [];
    const stored: Event[] = [];
    for (const tracked of batch.events) {
      const id = tracked.id ?? uuidv7();
      ids.push(id);
      if (known.has(id)) {
        warnings.push(`Event "${id}" was already collected; it was not stored again.`);
        continue;
      }
      stored.push(
        em.create(EventSchema, {
          id,
          type: normaliseEventType(tracked.type),
          properties: tracked.properties ?? {},
          context: tracked.context ?? {},
          tags: tracked.tags ?? [],
          sourceId: batch.sourceId,
          sessionId: session?.id ?? null,
          profileId: profile?.id ?? null,
          createdAt: tracked.time ? new Date(tracked.time) : now,
          insertedAt: now,
          status: 'collected',
          ip: batch.request.ip,
          userAgent: batch.request.userAgent ?? null,
        }),
      );
    }
    return { ids, stored };
  }
}
