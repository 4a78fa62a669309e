import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { EVENT_STATUSES, type EventStatus } from '../storage/entities.js';

/**
 * Query and response schemas of the profile, event and session endpoints of the admin API. The
 * query schemas validate requests at the boundary; all of them feed the OpenAPI document.
 */

// Query strings arrive as text: numbers are validated as digits and range-checked by the handler.

/** `limit`: how many items one page holds, 1–1000. */
export const LimitParamSchema = Type.String({
  pattern: '^[0-9]+$',
  description: 'Items per page, 1 to 1000.',
});

/** `cursor`: the `nextCursor` of the previous page, unchanged. */
export const CursorParamSchema = Type.String({
  minLength: 1,
  maxLength: 512,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'The nextCursor of the previous page of the same listing.',
});

const IdParam = (description: string) => Type.String({ minLength: 1, maxLength: 191, description });

/** `trait.<path>` query keys: dot-separated names of letters, digits, `_` and `-`, at most 8 deep. */
export const TRAIT_PARAM_PATTERN = '^trait(\\.[A-Za-z0-9_-]{1,64}){1,8}$';

export const ProfileSearchQuerySchema = Type.Object(
  {
    id: Type.Optional(IdParam('A profile id or any of its aliases.')),
    email: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 254,
        description: 'Any of the values in data.contact.email, compared without regard to case.',
      }),
    ),
    limit: Type.Optional(LimitParamSchema),
    cursor: Type.Optional(CursorParamSchema),
  },
  {
    additionalProperties: false,
    patternProperties: {
      [TRAIT_PARAM_PATTERN]: Type.String({
        maxLength: 1024,
        description:
          '`trait.<path>=value`: the trait at the path equals the value (a string, or the number or boolean it spells).',
      }),
    },
  },
);
export type ProfileSearchQuery = Static<typeof ProfileSearchQuerySchema>;

export const EventStatusSchema = Type.Unsafe<EventStatus>({ type: 'string', enum: [...EVENT_STATUSES] });

export const EventQuerySchema = Type.Object(
  {
    profile: Type.Optional(IdParam('A profile id or alias.')),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(EventStatusSchema),
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Events that happened at or after this time (years 1000 to 9999).',
      }),
    ),
    to: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Events that happened before this time (years 1000 to 9999).',
      }),
    ),
    limit: Type.Optional(LimitParamSchema),
    cursor: Type.Optional(CursorParamSchema),
  },
  { additionalProperties: false },
);
export type EventQuery = Static<typeof EventQuerySchema>;

export const SessionQuerySchema = Type.Object(
  {
    profile: Type.Optional(IdParam('A profile id or alias.')),
    limit: Type.Optional(LimitParamSchema),
    cursor: Type.Optional(CursorParamSchema),
  },
  { additionalProperties: false },
);
export type SessionQuery = Static<typeof SessionQuerySchema>;

const Timestamp = Type.String({ format: 'date-time' });
const OptionalTimestamp = Type.Union([Timestamp, Type.Null()]);
const JsonObject = Type.Record(Type.String(), Type.Unknown());
const Reference = Type.Union([Type.Object({ id: Type.String() }), Type.Null()]);

/** A profile in Tracardi's shape: `metadata.time.{create,update,visit}` and `stats` nested. */
export const ProfileViewSchema = Type.Object({
  id: Type.String(),
  ids: Type.Array(Type.String(), { description: 'Every alias: merged ids and external ids.' }),
  active: Type.Boolean(),
  metadata: Type.Object({
    time: Type.Object({
      create: OptionalTimestamp,
      update: OptionalTimestamp,
      visit: Type.Object({ last: OptionalTimestamp, current: OptionalTimestamp, count: Type.Integer() }),
    }),
  }),
  stats: Type.Object({
    visits: Type.Integer(),
    views: Type.Integer(),
    counters: Type.Record(Type.String(), Type.Number()),
  }),
  traits: JsonObject,
  data: JsonObject,
  consents: JsonObject,
  segments: Type.Array(Type.String()),
  interests: Type.Record(Type.String(), Type.Number()),
});
export type ProfileView = Static<typeof ProfileViewSchema>;

export const SessionViewSchema = Type.Object({
  id: Type.String(),
  profile: Reference,
  metadata: Type.Object({
    time: Type.Object({ insert: OptionalTimestamp, update: OptionalTimestamp }),
    status: Type.String(),
  }),
  context: JsonObject,
  device: JsonObject,
  os: JsonObject,
  app: JsonObject,
  utm: JsonObject,
});
export type SessionView = Static<typeof SessionViewSchema>;

export const EventViewSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  metadata: Type.Object({
    time: Type.Object({
      create: OptionalTimestamp,
      insert: OptionalTimestamp,
    }),
    status: Type.String(),
  }),
  source: Type.Object({ id: Type.String() }),
  session: Reference,
  profile: Reference,
  properties: JsonObject,
  context: JsonObject,
  tags: Type.Array(Type.String()),
  request: Type.Object({
    ip: Type.Union([Type.String(), Type.Null()]),
    userAgent: Type.Union([Type.String(), Type.Null()]),
  }),
});
export type EventView = Static<typeof EventViewSchema>;

/** One page of a keyset-paginated listing, newest first. */
export const PageSchema = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  });

export const ProfilePageSchema = PageSchema(ProfileViewSchema);
export const EventPageSchema = PageSchema(EventViewSchema);
export const SessionPageSchema = PageSchema(SessionViewSchema);
export type Page<T> = { items: T[]; nextCursor: string | null };

export const ProfileOverviewSchema = Type.Object({
  profile: ProfileViewSchema,
  sessions: Type.Array(SessionViewSchema, { description: 'The latest 50 sessions, newest first.' }),
  events: EventPageSchema,
});
export type ProfileOverview = Static<typeof ProfileOverviewSchema>;

export const ProfileErasureSchema = Type.Object({
  erased: Type.Object({
    profile: Type.String({ description: 'The id of the erased profile.' }),
    events: Type.Integer(),
    sessions: Type.Integer(),
    identities: Type.Integer(),
  }),
});
export type ProfileErasure = Static<typeof ProfileErasureSchema>;

export const IdentityViewSchema = Type.Object({
  alias: Type.String(),
  kind: Type.String(),
  createdAt: Timestamp,
});
export type IdentityView = Static<typeof IdentityViewSchema>;

/** The data-subject export: everything stored about one profile. */
export const ProfileExportSchema = Type.Object({
  exportedAt: Timestamp,
  profile: ProfileViewSchema,
  identities: Type.Array(IdentityViewSchema),
  sessions: Type.Array(SessionViewSchema, { description: 'Newest first.' }),
  events: Type.Array(EventViewSchema, { description: 'Newest first.' }),
});
export type ProfileExport = Static<typeof ProfileExportSchema>;
