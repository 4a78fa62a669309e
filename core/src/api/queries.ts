import type { Database, Dialect } from '../storage/orm.js';
import {
  EVENT_COLUMNS,
  type EventRecord,
  eventFromRow,
  PROFILE_COLUMNS,
  type ProfileRecord,
  profileFromRow,
  SESSION_COLUMNS,
  type SessionRecord,
  sessionFromRow,
} from '../storage/records.js';
import { fromSqlDate, type SqlTransaction, toSqlDate } from '../storage/sql.js';
import { after, type Condition, newestFirst, type Position, pageOf, whereAll } from './cursor.js';
import type { EventView, Page, ProfileView, SessionView } from './schemas.js';
import { eventView, profileView, sessionView } from './views.js';

/**
 * The read side of the admin API: profile search and the event and session listings, in plain SQL
 * written once for both dialects. Every value from a request is a bound parameter.
 */

/** What reads need of a connection; a `SqlTransaction` is one too. */
export type SqlReader = Pick<SqlTransaction, 'dialect' | 'all'>;

export function readerOf(db: Database): SqlReader {
  const connection = db.orm.em.getConnection();
  return {
    dialect: db.dialect,
    all: <T>(sql: string, params: unknown[] = []) => connection.execute(sql, params, 'all') as Promise<T[]>,
  };
}

/** The profile id that `idOrAlias` names: the profile's own id or one of its aliases. */
export async function resolveProfileId(reader: SqlReader, idOrAlias: string): Promise<string | null> {
  // A profile's own id wins over an alias that happens to spell it.
  const rows = await reader.all<{ id: string }>(
    'select id, 0 as preference from profile where id = ? ' +
      'union all select profile_id as id, 1 as preference from profile_identity where alias = ? ' +
      'order by preference',
    [idOrAlias, idOrAlias],
  );
  return rows[0]?.id ?? null;
}

/** A listing's conditions on columns, and which page of it. */
type Listing = { conditions: Condition[]; cursor?: Position | undefined; limit: number };

async function listRows<R extends Position>(
  reader: SqlReader,
  select: string,
  listing: Listing,
  fromRow: (row: Record<string, unknown>) => R,
): Promise<R[]> {
  const conditions = [...listing.conditions];
  if (listing.cursor) conditions.push(after(reader.dialect, listing.cursor));
  const where = whereAll(conditions);
  const order = newestFirst(listing.limit);
  const rows = await reader.all(`${select}${where.sql}${order.sql}`, [...where.params, ...order.params]);
  return rows.map(fromRow);
}

// ---------------------------------------------------------------------------------------------
// Profiles

/** `trait.<path>=value`: path segments validated by the query schema. */
export interface TraitFilter {
  segments: string[];
  value: string;
}

export interface ProfileSearch {
  /** A resolved profile id (the route resolves aliases first). */
  id?: string | undefined;
  email?: string | undefined;
  traits: TraitFilter[];
  cursor?: Position | undefined;
  limit: number;
}

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** `$."a"."b"`: every segment quoted, so names like `first-name` or `0` are keys, never indexes. */
export function jsonPath(segments: readonly string[]): string {
  return `$${segments.map((s) => `."${s}"`).join('')}`;
}

/**
 * The trait at the path equals the value: as a string, or as the number or boolean the value
 * spells (`?trait.age=42` finds `42` and `"42"`). SQLite's `json_extract` returns SQL values while
 * MySQL's returns JSON (strings quoted), so each dialect asks for the JSON type first.
 */
function traitCondition(dialect: Dialect, filter: TraitFilter): Condition {
  const path = jsonPath(filter.segments);
  const { value } = filter;
  const alternatives: Condition[] = [];
  const number = JSON_NUMBER.test(value) ? Number(value) : Number.NaN;
  const boolean = value === 'true' || value === 'false' ? value : undefined;
  if (dialect === 'sqlite') {
    alternatives.push({
      sql: `(json_type(traits, ?) = 'text' and json_extract(traits, ?) = ?)`,
      params: [path, path, value],
    });
    if (Number.isFinite(number)) {
      alternatives.push({
        sql: `(json_type(traits, ?) in ('integer', 'real') and json_extract(traits, ?) = ?)`,
        params: [path, path, number],
      });
    }
    if (boolean) alternatives.push({ sql: 'json_type(traits, ?) = ?', params: [path, boolean] });
  } else {
    alternatives.push({
      sql: `(json_type(json_extract(traits, ?)) = 'STRING' and json_unquote(json_extract(traits, ?)) = ?)`,
      params: [path, path, value],
    });
    if (Number.isFinite(number)) {
      alternatives.push({
        sql: `(json_type(json_extract(traits, ?)) in ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') and json_extract(traits, ?) = ?)`,
        params: [path, path, number],
      });
    }
    if (boolean) {
      alternatives.push({
        sql: `(json_type(json_extract(traits, ?)) = 'BOOLEAN' and json_unquote(json_extract(traits, ?)) = ?)`,
        params: [path, path, boolean],
      });
    }
  }
  return {
    sql: `(${alternatives.map((a) => a.sql).join(' or ')})`,
    params: alternatives.flatMap((a) => a.params),
  };
}

/**
 * Any address under `data.contact.email` (`main`, `business`, `private`…; or a plain string or an
 * array of strings there) equals the address, ignoring case. SQLite's `lower` folds ASCII letters only, so the address is
 * folded the same way there.
 */
function emailCondition(dialect: Dialect, email: string): Condition {
  const trimmed = email.trim();
  if (dialect === 'sqlite') {
    return {
      sql: `exists (select 1 from json_each(profile.data, '$.contact.email') as e where e.type = 'text' and lower(e.value) = ?)`,
      params: [trimmed.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())],
    };
  }
  const folded = trimmed.toLowerCase();
  return {
    // `.*` collects an object's values; the path itself is a plain address or an array of them.
    sql:
      `(json_contains(lower(json_extract(data, '$.contact.email.*')), json_quote(?))` +
      ` or json_contains(lower(json_extract(data, '$.contact.email')), json_quote(?)))`,
    params: [folded, folded],
  };
}

const PROFILE_SELECT = `select ${PROFILE_COLUMNS.join(', ')} from profile`;

export async function searchProfiles(reader: SqlReader, search: ProfileSearch): Promise<Page<ProfileView>> {
  const conditions: Condition[] = [];
  if (search.id !== undefined) conditions.push({ sql: 'id = ?', params: [search.id] });
  if (search.email !== undefined) conditions.push(emailCondition(reader.dialect, search.email));
  for (const trait of search.traits) conditions.push(traitCondition(reader.dialect, trait));
  const rows = await listRows(reader, PROFILE_SELECT, { ...search, conditions }, (row) =>
    profileFromRow(row),
  );
  return pageOf('profile', rows, search.limit, profileView);
}

export async function findProfile(reader: SqlReader, id: string): Promise<ProfileRecord | null> {
  const [row] = await reader.all(`${PROFILE_SELECT} where id = ?`, [id]);
  return row ? profileFromRow(row) : null;
}

export interface IdentityRecord {
  alias: string;
  kind: string;
  createdAt: Date;
}

export async function identitiesOf(reader: SqlReader, profileId: string): Promise<IdentityRecord[]> {
  const rows = await reader.all<{ alias: string; kind: string; created_at: unknown }>(
    'select alias, kind, created_at from profile_identity where profile_id = ? order by created_at, alias',
    [profileId],
  );
  return rows.map((r) => ({ alias: r.alias, kind: r.kind, createdAt: fromSqlDate(r.created_at)! }));
}

// ---------------------------------------------------------------------------------------------
// Events

export interface EventListing {
  /** A resolved profile id. */
  profileId?: string | undefined;
  type?: string | undefined;
  sourceId?: string | undefined;
  status?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  cursor?: Position | undefined;
  limit: number;
}

const EVENT_SELECT = `select ${EVENT_COLUMNS.join(', ')} from event`;

export async function listEvents(reader: SqlReader, listing: EventListing): Promise<Page<EventView>> {
  const { dialect } = reader;
  const conditions: Condition[] = [];
  if (listing.profileId !== undefined)
    conditions.push({ sql: 'profile_id = ?', params: [listing.profileId] });
  if (listing.type !== undefined) conditions.push({ sql: 'type = ?', params: [listing.type] });
  if (listing.sourceId !== undefined) conditions.push({ sql: 'source_id = ?', params: [listing.sourceId] });
  if (listing.status !== undefined) conditions.push({ sql: 'status = ?', params: [listing.status] });
  if (listing.from) conditions.push({ sql: 'created_at >= ?', params: [toSqlDate(dialect, listing.from)] });
  if (listing.to) conditions.push({ sql: 'created_at < ?', params: [toSqlDate(dialect, listing.to)] });
  const rows = await listRows(reader, EVENT_SELECT, { ...listing, conditions }, eventFromRow);
  return pageOf('event', rows, listing.limit, eventView);
}

export async function findEvent(reader: SqlReader, id: string): Promise<EventRecord | null> {
  const [row] = await reader.all(`${EVENT_SELECT} where id = ?`, [id]);
  return row ? eventFromRow(row) : null;
}

// ---------------------------------------------------------------------------------------------
// Sessions

export interface SessionListing {
  profileId?: string | undefined;
  cursor?: Position | undefined;
  limit: number;
}

const SESSION_SELECT = `select ${SESSION_COLUMNS.join(', ')} from session`;

export async function listSessions(reader: SqlReader, listing: SessionListing): Promise<Page<SessionView>> {
  const conditions: Condition[] = [];
  if (listing.profileId !== undefined)
    conditions.push({ sql: 'profile_id = ?', params: [listing.profileId] });
  const rows = await listRows(reader, SESSION_SELECT, { ...listing, conditions }, sessionFromRow);
  return pageOf('session', rows, listing.limit, sessionView);
}

export async function findSession(reader: SqlReader, id: string): Promise<SessionRecord | null> {
  const [row] = await reader.all(`${SESSION_SELECT} where id = ?`, [id]);
  return row ? sessionFromRow(row) : null;
}
