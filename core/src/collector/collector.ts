import { randomFillSync } from 'node:crypto';
import type { JsonObject, ProfileOperation } from '@cairn/sdk';
import { v7 as uuidv7 } from 'uuid';
import { applyOperations } from '../engine/index.js';
import { GroupCommit } from '../storage/group-commit.js';
import type { Database } from '../storage/orm.js';
import {
  EVENT_COLUMNS,
  type EventRecord,
  eventToRow,
  PROFILE_COLUMNS,
  PROFILE_UPDATABLE,
  type ProfileRecord,
  profileFromRow,
  profileToRow,
  SESSION_COLUMNS,
  type SessionRecord,
  sessionFromRow,
  sessionToRow,
} from '../storage/records.js';
import {
  forUpdate,
  insertRows,
  placeholders,
  type SqlTransaction,
  sqlTransaction,
  toSqlDate,
} from '../storage/sql.js';
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
  /**
   * Event types whose flows will run: their events are stored `pending` until what the flows did
   * is committed, so an event whose flows never finished (the server stopped) can be found.
   */
  withFlows?: { has(type: string): boolean };
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
  /** What was committed, for the flows that run next: no need to read it back. */
  committed: {
    profile: ProfileRecord | null;
    session: SessionRecord | null;
    /** Events this request stored (retried ids already stored are left out). */
    events: EventRecord[];
  };
}

/** What one request's flows produced, to commit after they ran. */
export interface FlowCommit {
  profileId: string | null;
  /** Operations that belong to no event (consents given through the API): always applied. */
  operations: ProfileOperation[];
  /**
   * Per event, in order: the status it ends with (`collected` for a pending event no flow runs for
   * anymore) and the operations its flows produced. Applied only while the event is still
   * `pending`: an event another run has settled meanwhile (a sweep of `PendingEvents` that took a
   * slow request's event) keeps that outcome, so no operation is applied twice.
   */
  events: Map<string, EventOutcome>;
  /** Filled in by the commit: operations the stored profile refused, e.g. a counter that became text. */
  refused: string[];
}

export interface EventOutcome {
  status: SettledStatus;
  operations: ProfileOperation[];
}

type WriteItem = { kind: 'collect'; batch: CollectBatch } | { kind: 'commit'; commit: FlowCommit };

/** The statuses an event can end with once its flows are settled. */
export type SettledStatus = 'processed' | 'error' | 'collected';

export interface CollectorOptions {
  /** Parallel write lanes on MySQL (SQLite always has one writer). */
  writeLanes: number;
  /** Most batches written in one transaction. */
  maxGroup: number;
}

const PAGE_VIEW = 'page-view';
/** Rows per multi-row insert, well under both dialects' limits on bound parameters. */
const INSERT_CHUNK = 400;

/** What one group transaction has loaded or created so far, shared by the batches it applies. */
interface GroupState {
  tx: SqlTransaction;
  now: Date;
  sessions: Map<string, SessionRecord>;
  profiles: Map<string, ProfileRecord>;
  /** alias → profile id */
  aliases: Map<string, string>;
  /** Event ids already stored, before or earlier in this group. */
  knownEvents: Set<string>;
  /** Events of the group's commits that are still `pending` (locked on MySQL). */
  pendingEvents: Set<string>;
  /** What the group writes at the end. */
  touchedProfiles: Set<string>;
  touchedSessions: Set<string>;
  newAliases: { alias: string; profileId: string; kind: string }[];
  events: EventRecord[];
  /** Event id → status set after its flows ran. */
  statuses: Map<string, SettledStatus>;
}

/**
 * Random bytes for ids, taken from a pool refilled 256 ids at a time: `uuid` asks the crypto
 * module for 16 bytes per id otherwise, a call into the runtime per id.
 */
const randomPool = new Uint8Array(4096);
let randomUsed = randomPool.length;
/** Millisecond and counter of the last id, so ids made in one millisecond still ascend. */
const idClock = { msecs: -1, seq: 0 };

/** A new time-ordered id (UUID v7), ascending within this process as `uuid`'s own are. */
function newId(): string {
  if (randomUsed + 16 > randomPool.length) {
    randomFillSync(randomPool);
    randomUsed = 0;
  }
  const random = randomPool.subarray(randomUsed, randomUsed + 16);
  randomUsed += 16;
  const now = Date.now();
  if (now > idClock.msecs) {
    // A random start for the counter, as `uuid` takes it: 31 bits from bytes 6 to 9.
    idClock.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    idClock.msecs = now;
  } else {
    idClock.seq = (idClock.seq + 1) | 0;
    if (idClock.seq === 0) idClock.msecs++;
  }
  return uuidv7({ random, msecs: idClock.msecs, seq: idClock.seq });
}

const unique = (values: Iterable<string | null | undefined>): string[] =>
  [...new Set(values)].filter((v): v is string => typeof v === 'string');

/** Whether a commit may change its profile. */
function hasOperations(commit: FlowCommit): boolean {
  return commit.operations.length > 0 || [...commit.events.values()].some((e) => e.operations.length > 0);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** The parts of a profile that operations may change, as the engine sees them. */
function mutablePart(profile: ProfileRecord): JsonObject {
  return {
    traits: profile.traits,
    data: profile.data,
    interests: profile.interests,
    stats: profile.stats,
    segments: profile.segments,
    consents: profile.consents,
  } as unknown as JsonObject;
}

function newProfile(now: Date): ProfileRecord {
  return {
    id: newId(),
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
  };
}

/**
 * Every write to profiles, sessions and events on the hot path: storing collected events, and
 * committing what flows did. Concurrent requests are grouped into one transaction (see
 * `GroupCommit`) of a handful of statements whatever the group's size, so a request whose flows
 * changed the profile costs no extra transaction under load: its commit rides along with other
 * requests' collection. Each caller is answered only after the transaction holding its work has
 * committed. Profile rows are locked (in id order) while they change, and flow operations are
 * re-applied to the stored state, so concurrent writers never lose an update.
 */
export class Collector {
  private readonly writes: GroupCommit<WriteItem, CollectResult | null>;

  constructor(db: Database, options: CollectorOptions) {
    this.writes = new GroupCommit({
      writeGroup: (items) => sqlTransaction(db, (tx) => this.storeGroup(tx, items)),
      writeOne: (item) => sqlTransaction(db, async (tx) => (await this.storeGroup(tx, [item]))[0]!),
      lanes: db.dialect === 'sqlite' ? 1 : options.writeLanes,
      maxGroup: options.maxGroup,
    });
  }

  /** Stores a batch of events; resolves once they are committed. */
  async collect(batch: CollectBatch): Promise<CollectResult> {
    // Writes naming the same profile or session share a lane, so they apply in arrival order.
    const key = batch.profileId ?? batch.sessionId ?? newId();
    return (await this.writes.submit({ kind: 'collect', batch }, key))!;
  }

  /** Applies flow operations to the stored profile and sets event statuses; resolves once committed. */
  async commit(commit: FlowCommit): Promise<void> {
    await this.writes.submit({ kind: 'commit', commit }, commit.profileId ?? newId());
  }

  private async storeGroup(
    tx: SqlTransaction,
    items: readonly WriteItem[],
  ): Promise<(CollectResult | null)[]> {
    const batches = items.flatMap((item) => (item.kind === 'collect' ? [item.batch] : []));
    const commits = items.flatMap((item) => (item.kind === 'commit' ? [item.commit] : []));
    const state = await this.preload(tx, batches, commits);
    const results = items.map((item) =>
      item.kind === 'collect' ? this.apply(state, item.batch) : this.applyCommit(state, item.commit),
    );
    this.write(state);
    return results;
  }

  /** Loads, in a few queries for the whole group, every row the group's items touch. */
  private async preload(
    tx: SqlTransaction,
    batches: readonly CollectBatch[],
    commits: readonly FlowCommit[],
  ): Promise<GroupState> {
    const state: GroupState = {
      tx,
      now: new Date(),
      sessions: new Map(),
      profiles: new Map(),
      aliases: new Map(),
      knownEvents: new Set(),
      pendingEvents: new Set(),
      touchedProfiles: new Set(),
      touchedSessions: new Set(),
      newAliases: [],
      events: [],
      statuses: new Map(),
    };
    const tracked = batches.filter((b) => !b.profileLess);

    const sessionIds = unique(tracked.map((b) => b.sessionId));
    if (sessionIds.length) {
      const rows = await tx.all(
        `select ${SESSION_COLUMNS.join(', ')} from session where id in ${placeholders(sessionIds.length)}`,
        sessionIds,
      );
      for (const row of rows) {
        const session = sessionFromRow(row);
        state.sessions.set(session.id, session);
      }
    }

    const named = unique([
      ...tracked.map((b) => b.profileId ?? (b.sessionId ? state.sessions.get(b.sessionId)?.profileId : null)),
      ...commits.map((c) => (hasOperations(c) ? c.profileId : null)),
    ]);
    await this.lockProfiles(state, named);
    const unresolved = named.filter((id) => !state.profiles.has(id));
    if (unresolved.length) {
      const rows = await tx.all<{ alias: string; profile_id: string }>(
        `select alias, profile_id from profile_identity where alias in ${placeholders(unresolved.length)}`,
        unresolved,
      );
      for (const row of rows) state.aliases.set(row.alias, row.profile_id);
      await this.lockProfiles(state, unique(state.aliases.values()));
    }

    // In id order, as profiles are, so that concurrent groups cannot deadlock on them.
    const settling = unique(commits.flatMap((c) => [...c.events.keys()])).sort();
    for (const ids of chunks(settling, INSERT_CHUNK)) {
      const rows = await tx.all<{ id: string }>(
        `select id from event where id in ${placeholders(ids.length)} and status = 'pending'${forUpdate(tx.dialect)}`,
        ids,
      );
      for (const row of rows) state.pendingEvents.add(row.id);
    }

    const eventIds = unique(batches.flatMap((b) => b.events.map((e) => e.id)));
    for (const ids of chunks(eventIds, INSERT_CHUNK)) {
      const rows = await tx.all<{ id: string }>(
        `select id from event where id in ${placeholders(ids.length)}`,
        ids,
      );
      for (const row of rows) state.knownEvents.add(row.id);
    }
    return state;
  }

  /** Loads and locks profiles, in id order so that concurrent groups cannot deadlock. */
  private async lockProfiles(state: GroupState, ids: string[]): Promise<void> {
    const wanted = ids.filter((id) => !state.profiles.has(id)).sort();
    if (!wanted.length) return;
    const rows = await state.tx.all(
      `select ${PROFILE_COLUMNS.join(', ')} from profile where id in ${placeholders(wanted.length)} order by id${forUpdate(state.tx.dialect)}`,
      wanted,
    );
    for (const row of rows) {
      const profile = profileFromRow(row);
      state.profiles.set(profile.id, profile);
    }
  }

  /** Applies one batch to the group's rows in memory; `write` stores them all at the end. */
  private apply(state: GroupState, batch: CollectBatch): CollectResult {
    const warnings: string[] = [];
    const existingSession =
      !batch.profileLess && batch.sessionId ? state.sessions.get(batch.sessionId) : undefined;
    const profile = batch.profileLess ? null : this.resolveProfile(state, batch, existingSession, warnings);

    let session: SessionRecord | null = null;
    let newVisit = false;
    if (profile) {
      if (existingSession) {
        session = existingSession;
        session.profileId = profile.id;
        session.updatedAt = state.now;
      } else if (batch.sessionId !== null) {
        session = this.createSession(state, batch, batch.sessionId ?? newId(), profile.id);
        newVisit = true;
      }
      if (session) state.touchedSessions.add(session.id);
    }

    const ids: string[] = [];
    const stored: EventRecord[] = [];
    let views = 0;
    for (const tracked of batch.events) {
      const id = tracked.id ?? newId();
      ids.push(id);
      if (state.knownEvents.has(id)) {
        warnings.push(`Event "${id}" was already collected; it was not stored again.`);
        continue;
      }
      state.knownEvents.add(id);
      const type = normaliseEventType(tracked.type);
      if (type === PAGE_VIEW) views++;
      const event: EventRecord = {
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
        status: batch.withFlows?.has(type) ? 'pending' : 'collected',
        ip: batch.request.ip,
        userAgent: batch.request.userAgent ?? null,
      };
      stored.push(event);
      state.events.push(event);
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
      state.touchedProfiles.add(profile.id);
    }
    return {
      profile: profile ? { id: profile.id } : null,
      session: session ? { id: session.id } : null,
      events: ids,
      warnings,
      committed: { profile, session, events: stored },
    };
  }

  /** Re-applies one request's flow operations to the locked, current profile, one by one. */
  private applyCommit(state: GroupState, commit: FlowCommit): null {
    const operations = [...commit.operations];
    for (const [id, outcome] of commit.events) {
      // Settled already, or settled by an earlier commit of this group: its outcome stands.
      if (!state.pendingEvents.delete(id)) continue;
      state.statuses.set(id, outcome.status);
      operations.push(...outcome.operations);
    }
    const profile = commit.profileId ? state.profiles.get(commit.profileId) : undefined;
    if (!profile || operations.length === 0) return null;
    let current = mutablePart(profile);
    for (const operation of operations) {
      const applied = applyOperations(current, [operation]);
      if (applied.ok) current = applied.profile;
      else commit.refused.push(`Profile operation ${operation.op} was not applied: ${applied.error.message}`);
    }
    Object.assign(profile, current, { updatedAt: state.now });
    state.touchedProfiles.add(profile.id);
    return null;
  }

  private resolveProfile(
    state: GroupState,
    batch: CollectBatch,
    existingSession: SessionRecord | undefined,
    warnings: string[],
  ): ProfileRecord {
    const named = batch.profileId ?? existingSession?.profileId ?? undefined;
    const found = named
      ? (state.profiles.get(named) ?? state.profiles.get(state.aliases.get(named) ?? ''))
      : undefined;
    if (found) return found;
    const created = newProfile(state.now);
    state.profiles.set(created.id, created);
    if (batch.profileId !== undefined) {
      if (batch.unknownProfile === 'alias') {
        created.ids = [batch.profileId];
        state.newAliases.push({ alias: batch.profileId, profileId: created.id, kind: 'external' });
        state.aliases.set(batch.profileId, created.id);
      } else {
        warnings.push(`Profile "${batch.profileId}" is unknown; a new profile "${created.id}" was created.`);
      }
    }
    // A session whose profile no longer exists (erased) simply moves to the new profile.
    return created;
  }

  private createSession(
    state: GroupState,
    batch: CollectBatch,
    id: string,
    profileId: string,
  ): SessionRecord {
    const agent = parseUserAgent(batch.request.userAgent, batch.request.language);
    const session: SessionRecord = {
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
    };
    state.sessions.set(id, session);
    return session;
  }

  /** Writes everything the group changed: a few multi-row statements, sent with the commit. */
  private write(state: GroupState): void {
    const { tx } = state;
    const dialect = tx.dialect;
    const profiles = [...state.touchedProfiles].map((id) => profileToRow(dialect, state.profiles.get(id)!));
    for (const rows of chunks(profiles, INSERT_CHUNK)) {
      tx.later(...insertRows(dialect, 'profile', PROFILE_COLUMNS, rows, PROFILE_UPDATABLE));
    }
    const sessions = [...state.touchedSessions].map((id) => sessionToRow(dialect, state.sessions.get(id)!));
    for (const rows of chunks(sessions, INSERT_CHUNK)) {
      tx.later(...insertRows(dialect, 'session', SESSION_COLUMNS, rows, ['profile_id', 'updated_at']));
    }
    if (state.newAliases.length) {
      const rows = state.newAliases.map((a) => [a.alias, a.profileId, a.kind, toSqlDate(dialect, state.now)]);
      tx.later(
        ...insertRows(dialect, 'profile_identity', ['alias', 'profile_id', 'kind', 'created_at'], rows),
      );
    }
    for (const rows of chunks(
      state.events.map((e) => eventToRow(dialect, e)),
      INSERT_CHUNK,
    )) {
      tx.later(...insertRows(dialect, 'event', EVENT_COLUMNS, rows));
    }
    for (const status of ['processed', 'error', 'collected'] as const) {
      const ids = [...state.statuses].filter(([, s]) => s === status).map(([id]) => id);
      for (const chunk of chunks(ids, INSERT_CHUNK)) {
        tx.later(`update event set status = ? where id in ${placeholders(chunk.length)}`, [status, ...chunk]);
      }
    }
  }
}
