import type { JsonRecord, ProfileStats } from './entities.js';
import type { Dialect } from './orm.js';
import { fromSqlDate, fromSqlJson, toSqlDate } from './sql.js';

/** A profile row as the hot path reads and writes it (same fields as the `Profile` entity). */
export interface ProfileRecord {
  id: string;
  active: boolean;
  ids: string[];
  traits: JsonRecord;
  data: JsonRecord;
  consents: JsonRecord;
  segments: string[];
  interests: Record<string, number>;
  stats: ProfileStats;
  createdAt: Date;
  updatedAt: Date;
  visitLast?: Date | null;
  visitCurrent?: Date | null;
}

export interface SessionRecord {
  id: string;
  profileId?: string | null;
  context: JsonRecord;
  device: JsonRecord;
  os: JsonRecord;
  app: JsonRecord;
  utm: JsonRecord;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

export const PROFILE_COLUMNS = [
  'id',
  'active',
  'ids',
  'traits',
  'data',
  'consents',
  'segments',
  'interests',
  'stats',
  'created_at',
  'updated_at',
  'visit_last',
  'visit_current',
] as const;

/** Columns a write may change on an existing profile (all but id and creation time). */
export const PROFILE_UPDATABLE = PROFILE_COLUMNS.filter((c) => c !== 'id' && c !== 'created_at');

export function profileFromRow(row: Record<string, unknown>): ProfileRecord {
  return {
    id: row.id as string,
    active: Boolean(row.active),
    ids: fromSqlJson(row.ids),
    traits: fromSqlJson(row.traits),
    data: fromSqlJson(row.data),
    consents: fromSqlJson(row.consents),
    segments: fromSqlJson(row.segments),
    interests: fromSqlJson(row.interests),
    stats: fromSqlJson(row.stats),
    createdAt: fromSqlDate(row.created_at)!,
    updatedAt: fromSqlDate(row.updated_at)!,
    visitLast: fromSqlDate(row.visit_last),
    visitCurrent: fromSqlDate(row.visit_current),
  };
}

export function profileToRow(dialect: Dialect, p: ProfileRecord): unknown[] {
  return [
    p.id,
    p.active ? 1 : 0,
    JSON.stringify(p.ids),
    JSON.stringify(p.traits),
    JSON.stringify(p.data),
    JSON.stringify(p.consents),
    JSON.stringify(p.segments),
    JSON.stringify(p.interests),
    JSON.stringify(p.stats),
    toSqlDate(dialect, p.createdAt),
    toSqlDate(dialect, p.updatedAt),
    toSqlDate(dialect, p.visitLast ?? null),
    toSqlDate(dialect, p.visitCurrent ?? null),
  ];
}

export const SESSION_COLUMNS = [
  'id',
  'profile_id',
  'context',
  'device',
  'os',
  'app',
  'utm',
  'status',
  'created_at',
  'updated_at',
] as const;

export function sessionFromRow(row: Record<string, unknown>): SessionRecord {
  return {
    id: row.id as string,
    profileId: (row.profile_id as string | null) ?? null,
    context: fromSqlJson(row.context),
    device: fromSqlJson(row.device),
    os: fromSqlJson(row.os),
    app: fromSqlJson(row.app),
    utm: fromSqlJson(row.utm),
    status: row.status as string,
    createdAt: fromSqlDate(row.created_at)!,
    updatedAt: fromSqlDate(row.updated_at)!,
  };
}

export function sessionToRow(dialect: Dialect, s: SessionRecord): unknown[] {
  return [
    s.id,
    s.profileId ?? null,
    JSON.stringify(s.context),
    JSON.stringify(s.device),
    JSON.stringify(s.os),
    JSON.stringify(s.app),
    JSON.stringify(s.utm),
    s.status,
    toSqlDate(dialect, s.createdAt),
    toSqlDate(dialect, s.updatedAt),
  ];
}

/** A new event row, as the collector stores it. */
export interface EventRecord {
  id: string;
  type: string;
  properties: JsonRecord;
  context: JsonRecord;
  tags: string[];
  sourceId: string;
  sessionId?: string | null;
  profileId?: string | null;
  createdAt: Date;
  insertedAt: Date;
  status: string;
  ip?: string | null;
  userAgent?: string | null;
}

export const EVENT_COLUMNS = [
  'id',
  'type',
  'properties',
  'context',
  'tags',
  'source_id',
  'session_id',
  'profile_id',
  'created_at',
  'inserted_at',
  'status',
  'ip',
  'user_agent',
] as const;

export function eventToRow(dialect: Dialect, e: EventRecord): unknown[] {
  return [
    e.id,
    e.type,
    JSON.stringify(e.properties),
    JSON.stringify(e.context),
    JSON.stringify(e.tags),
    e.sourceId,
    e.sessionId ?? null,
    e.profileId ?? null,
    toSqlDate(dialect, e.createdAt),
    toSqlDate(dialect, e.insertedAt),
    e.status,
    e.ip ?? null,
    e.userAgent ?? null,
  ];
}

export function eventFromRow(row: Record<string, unknown>): EventRecord {
  return {
    id: row.id as string,
    type: row.type as string,
    properties: fromSqlJson(row.properties),
    context: fromSqlJson(row.context),
    tags: fromSqlJson(row.tags),
    sourceId: row.source_id as string,
    sessionId: (row.session_id as string | null) ?? null,
    profileId: (row.profile_id as string | null) ?? null,
    createdAt: fromSqlDate(row.created_at)!,
    insertedAt: fromSqlDate(row.inserted_at)!,
    status: row.status as string,
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
  };
}
