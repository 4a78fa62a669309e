import { type EntityManager, LockMode } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import {
  EventSchema,
  type Profile,
  ProfileIdentitySchema,
  ProfileSchema,
  type Session,
  SessionSchema,
} from '../storage/entities.js';
import { GroupCommit } from '../storage/group-commit.js';
import type { Database } from '../storage/orm.js';
import { writeTransaction } from '../storage/transaction.js';
import { addAlias, createProfile } from './identity.js';
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
  /** Ids of the events this request stored (retried ids already stored are left out). */
  stored: string[];
  warnings: string[];
}

export interface CollectorOptions {
  /** Parallel write lanes on MySQL (SQLite always has one writer). */
  writeLanes: number;
  /** Most batches written in one transaction. */
  maxGroup: number;
}

const PAGE_VIEW = 'page-view';

/** What one group transaction has loaded or created so far, shared by the batches it applies. */
interface GroupState {
  em: EntityManager;
  now: Date;
  sessions: Map<string, Session>;
  profiles: Map<string, Profile>;
  /** alias → profile id */
  aliases: Map<string, string>;
  /** Event ids already stored, before or earlier in this group. */
  knownEvents: Set<string>;
}

const unique = (values: Iterable<string | null | undefined>): string[] =>
  [...new Set(values)].filter((v): v is string => typeof v === 'string');

/**
 * Stores batches of events and updates the profiles and sessions they belong to. Concurrent
 * requests are grouped into one transaction (see `GroupCommit`); each request is answered only
 * after the transaction holding its events has committed. Profile rows are locked while their
 * stats change, so concurrent writers never lose an update.
 */
export class Collector {
  private readonly commits: GroupCommit<CollectBatch, CollectResult>;

  constructor(db: Database, options: CollectorOptions) {
    this.commits = new GroupCommit({
      writeGroup: (batches) => writeTransaction(db, (em) => this.storeGroup(em, batches)),
      writeOne: (batch) => writeTransaction(db, async (em) => (await this.storeGroup(em, [batch]))[0]!),
      lanes: db.dialect === 'sqlite' ? 1 : options.writeLanes,
      maxGroup: options.maxGroup,
    });
  }

  collect(batch: CollectBatch): Promise<CollectResult> {
    // Writes naming the same profile or session share a lane, so they apply in arrival order.
    const key = batch.profileId ?? batch.sessionId ?? uuidv7();
    return this.commits.submit(batch, key);
  }

  private async storeGroup(em: EntityManager, batches: readonly CollectBatch[]): Promise<CollectResult[]> {
    const state = await this.preload(em, batches);
    const results = batches.map((batch) => this.apply(state, batch));
    await em.flush();
    return results;
  }

  /** Loads, in a few queries for the whole group, every row the group's batches touch. */
  private async preload(em: EntityManager, batches: readonly CollectBatch[]): Promise<GroupState> {
    const state: GroupState = {
      em,
      now: new Date(),
      sessions: new Map(),
      profiles: new Map(),
      aliases: new Map(),
      knownEvents: new Set(),
    };
    const tracked = batches.filter((b) => !b.profileLess);

    const sessionIds = unique(tracked.map((b) => b.sessionId));
    if (sessionIds.length) {
      for (const session of await em.find(SessionSchema, { id: { $in: sessionIds } })) {
        state.sessions.set(session.id, session);
      }
    }

    const named = unique(
      tracked.map((b) => b.profileId ?? (b.sessionId ? state.sessions.get(b.sessionId)?.profileId : null)),
    );
    await this.lockProfiles(state, named);
    const unresolved = named.filter((id) => !state.profiles.has(id));
    if (unresolved.length) {
      for (const identity of await em.find(ProfileIdentitySchema, { alias: { $in: unresolved } })) {
        state.aliases.set(identity.alias, identity.profileId);
      }
      await this.lockProfiles(state, unique(state.aliases.values()));
    }

    const eventIds = unique(batches.flatMap((b) => b.events.map((e) => e.id)));
    if (eventIds.length) {
      for (const event of await em.find(EventSchema, { id: { $in: eventIds } }, { fields: ['id'] })) {
        state.knownEvents.add(event.id);
      }
    }
    return state;
  }

  /** Loads and locks (FOR UPDATE on MySQL; SQLite has one writer) profiles, in id order. */
  private async lockProfiles(state: GroupState, ids: string[]): Promise<void> {
    const wanted = ids.filter((id) => !state.profiles.has(id)).sort();
    if (!wanted.length) return;
    const found = await state.em.find(
      ProfileSchema,
      { id: { $in: wanted } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    for (const profile of found) state.profiles.set(profile.id, profile);
  }

  /** Applies one batch to the group's rows in memory; the group's flush writes them all. */
  private apply(state: GroupState, batch: CollectBatch): CollectResult {
    const warnings: string[] = [];
    const existingSession =
      !batch.profileLess && batch.sessionId ? state.sessions.get(batch.sessionId) : undefined;
    const profile = batch.profileLess ? null : this.resolveProfile(state, batch, existingSession, warnings);

    let session: Session | null = null;
    let newVisit = false;
    if (profile) {
      if (existingSession) {
        session = existingSession;
        session.profileId = profile.id;
        session.updatedAt = state.now;
      } else if (batch.sessionId !== null) {
        session = this.createSession(state, batch, batch.sessionId ?? uuidv7(), profile.id);
        newVisit = true;
      }
    }

    const ids: string[] = [];
    const stored: string[] = [];
    let views = 0;
    for (const tracked of batch.events) {
      const id = tracked.id ?? uuidv7();
      ids.push(id);
      if (state.knownEvents.has(id)) {
        warnings.push(`Event "${id}" was already collected; it was not stored again.`);
        continue;
      }
      state.knownEvents.add(id);
      stored.push(id);
      const type = normaliseEventType(tracked.type);
      if (type === PAGE_VIEW) views++;
      state.em.create(EventSchema, {
        id,
        type,
        properties: tracked.properties ?? {},
        context: tracked.context ?? {},
        tags: tracked.tags ?? [],
        sourceId: batch.sourceId,
        sessionId: session?.id ?? null,
        profileId: profile?.id ?? null,
        createdAt: tracked.time ? new Date(tracked.time) : state.now,
        insertedAt: state.now,
        status: 'collected',
        ip: batch.request.ip,
        userAgent: batch.request.userAgent ?? null,
      });
    }

    if (profile) {
      const stats = { ...profile.stats, views: profile.stats.views + views };
      if (newVisit) {
        stats.visits += 1;
        profile.visitLast = profile.visitCurrent ?? null;
        profile.visitCurrent = state.now;
      }
      profile.stats = stats;
      profile.updatedAt = state.now;
    }
    return {
      profile: profile ? { id: profile.id } : null,
      session: session ? { id: session.id } : null,
      events: ids,
      stored,
      warnings,
    };
  }

  private resolveProfile(
    state: GroupState,
    batch: CollectBatch,
    existingSession: Session | undefined,
    warnings: string[],
  ): Profile {
    const named = batch.profileId ?? existingSession?.profileId ?? undefined;
    const found = named
      ? (state.profiles.get(named) ?? state.profiles.get(state.aliases.get(named) ?? ''))
      : undefined;
    if (found) return found;
    const created = createProfile(state.em, state.now);
    state.profiles.set(created.id, created);
    if (batch.profileId !== undefined) {
      if (batch.unknownProfile === 'alias') {
        addAlias(state.em, created, batch.profileId, 'external', state.now);
        state.aliases.set(batch.profileId, created.id);
      } else {
        warnings.push(`Profile "${batch.profileId}" is unknown; a new profile "${created.id}" was created.`);
      }
    }
    // A session whose profile no longer exists (erased) simply moves to the new profile.
    return created;
  }

  private createSession(state: GroupState, batch: CollectBatch, id: string, profileId: string): Session {
    const agent = parseUserAgent(batch.request.userAgent, batch.request.language);
    const session = state.em.create(SessionSchema, {
      id,
      profileId,
      context: batch.context,
      device: agent.device,
      os: agent.os,
      app: agent.app,
      utm: extractUtm(batch.context),
      status: 'active',
      createdAt: state.now,
      updatedAt: state.now,
    });
    state.sessions.set(id, session);
    return session;
  }
}
