import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * Storage entities. Column names follow Tracardi's field names where they exist; the HTTP layer
 * assembles the nested Tracardi shape (`metadata.time.*`, `stats.*`) from these columns.
 */

export interface ProfileStats {
  visits: number;
  views: number;
  counters: Record<string, number>;
}

export type JsonRecord = Record<string, unknown>;

export const ProfileSchema = defineEntity({
  name: 'Profile',
  tableName: 'profile',
  // Console listing: newest first, keyset-paginated.
  indexes: [{ name: 'profile_created_idx', properties: ['createdAt', 'id'] }],
  properties: {
    id: p.string().length(36).primary(),
    active: p.boolean().default(true),
    /** Every id this profile answers to besides its own: merged ids and external ids. */
    ids: p.json<string[]>(),
    traits: p.json<JsonRecord>(),
    data: p.json<JsonRecord>(),
    consents: p.json<JsonRecord>(),
    segments: p.json<string[]>(),
    interests: p.json<Record<string, number>>(),
    stats: p.json<ProfileStats>(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
    visitLast: p.datetime(3).nullable(),
    visitCurrent: p.datetime(3).nullable(),
  },
});
export type Profile = InferEntity<typeof ProfileSchema>;

/** Maps an alias (merged profile id, external id, hashed e-mail…) to the profile that owns it. */
export const ProfileIdentitySchema = defineEntity({
  name: 'ProfileIdentity',
  tableName: 'profile_identity',
  properties: {
    alias: p.string().length(191).primary(),
    profileId: p.string().length(36).index(),
    kind: p.string().length(32),
    createdAt: p.datetime(3),
  },
});
export type ProfileIdentity = InferEntity<typeof ProfileIdentitySchema>;

export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'session',
  indexes: [{ name: 'session_profile_time_idx', properties: ['profileId', 'createdAt'] }],
  properties: {
    id: p.string().length(128).primary(),
    profileId: p.string().length(36).nullable().index(),
    context: p.json<JsonRecord>(),
    device: p.json<JsonRecord>(),
    os: p.json<JsonRecord>(),
    app: p.json<JsonRecord>(),
    utm: p.json<JsonRecord>(),
    status: p.string().length(16),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type Session = InferEntity<typeof SessionSchema>;

/**
 * `collected`: stored, no flow runs for it. `pending`: stored, its flows have not committed yet
 * (see `PendingEvents`). `processed` / `error`: its flows ran and committed, all well or not.
 */
export const EVENT_STATUSES = ['collected', 'pending', 'processed', 'invalid', 'error'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const EventSchema = defineEntity({
  name: 'Event',
  tableName: 'event',
  indexes: [
    { name: 'event_profile_time_idx', properties: ['profileId', 'createdAt'] },
    { name: 'event_type_time_idx', properties: ['type', 'createdAt'] },
    { name: 'event_source_time_idx', properties: ['sourceId', 'createdAt'] },
    { name: 'event_time_idx', properties: ['createdAt', 'id'] },
    { name: 'event_status_time_idx', properties: ['status', 'createdAt'] },
  ],
  properties: {
    id: p.string().length(64).primary(),
    type: p.string().length(128),
    properties: p.json<JsonRecord>(),
    context: p.json<JsonRecord>(),
    tags: p.json<string[]>(),
    sourceId: p.string().length(64),
    sessionId: p.string().length(128).nullable(),
    profileId: p.string().length(36).nullable(),
    /** When the event happened (client time when given, else arrival). Tracardi's `metadata.time.create`. */
    createdAt: p.datetime(3),
    /** When it was stored. Tracardi's `metadata.time.insert`. */
    insertedAt: p.datetime(3),
    status: p.string().length(16),
    ip: p.string().length(45).nullable(),
    userAgent: p.text().nullable(),
  },
});
export type Event = InferEntity<typeof EventSchema>;

export const SOURCE_TYPES = ['rest', 'javascript', 'webhook'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const EventSourceSchema = defineEntity({
  name: 'EventSource',
  tableName: 'event_source',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(191),
    type: p.string().length(16),
    enabled: p.boolean().default(true),
    allowedOrigins: p.json<string[]>(),
    writeKey: p.string().length(191).nullable(),
    config: p.json<JsonRecord>(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type EventSource = InferEntity<typeof EventSourceSchema>;

export const collectorEntities = [
  ProfileSchema,
  ProfileIdentitySchema,
  SessionSchema,
  EventSchema,
  EventSourceSchema,
];
