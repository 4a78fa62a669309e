import { type Static, Type } from '@sinclair/typebox';
import { ApiError } from '../http/errors.js';

/** Client-chosen ids (event, session): printable, no whitespace, bounded. */
const ClientId = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9._:@-]+$' });
const FreeObject = Type.Object({}, { additionalProperties: true });

export const TrackedEventSchema = Type.Object(
  {
    id: Type.Optional(ClientId(64)),
    type: Type.String({ minLength: 1, maxLength: 128 }),
    properties: Type.Optional(FreeObject),
    context: Type.Optional(FreeObject),
    options: Type.Optional(FreeObject),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 64 })),
    time: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: true },
);
export type TrackedEvent = Static<typeof TrackedEventSchema>;

const Reference = (maxLength: number) =>
  Type.Union([Type.Object({ id: ClientId(maxLength) }, { additionalProperties: true }), Type.Null()]);

/** The tracker payload of `POST /track` (Tracardi's shape). Unknown top-level keys are ignored. */
export const TrackPayloadSchema = Type.Object(
  {
    source: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: true }),
    session: Type.Optional(Reference(128)),
    profile: Type.Optional(Reference(191)),
    context: Type.Optional(FreeObject),
    properties: Type.Optional(FreeObject),
    events: Type.Array(TrackedEventSchema, { minItems: 1 }),
    options: Type.Optional(FreeObject),
  },
  { additionalProperties: true },
);
export type TrackPayload = Static<typeof TrackPayloadSchema>;

/** Lower case, trimmed, runs of whitespace become `-`: `Page View` → `page-view`. */
export function normaliseEventType(type: string): string {
  return type.trim().toLowerCase().replace(/\s+/g, '-');
}

/**
 * Checks what the schema cannot: a type that is only whitespace, and the same client event id
 * twice in one payload. Throws a 422 naming the event.
 */
export function checkEvents(events: readonly TrackedEvent[], maxEvents: number): void {
  if (events.length > maxEvents) {
    throw new ApiError(
      422,
      'too_many_events',
      `At most ${maxEvents} events are accepted in one request; got ${events.length}.`,
      'events',
    );
  }
  const seen = new Set<string>();
  events.forEach((event, index) => {
    if (normaliseEventType(event.type) === '') {
      throw new ApiError(
        422,
        'validation_failed',
        `events[${index}].type must not be blank.`,
        `events[${index}].type`,
      );
    }
    if (event.id === undefined) return;
    if (seen.has(event.id)) {
      throw new ApiError(
        422,
        'duplicate_event_id',
        `events[${index}].id repeats an earlier event's id.`,
        `events[${index}].id`,
      );
    }
    seen.add(event.id);
  });
}

/** `POST /customer/consent` (Tracardi's shape): which consents the customer gives (true) or withdraws (false). */
export const ConsentPayloadSchema = Type.Object(
  {
    source: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: true }),
    session: Type.Optional(Reference(128)),
    profile: Type.Object({ id: ClientId(191) }, { additionalProperties: true }),
    consents: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Boolean(), { minProperties: 1 }),
  },
  { additionalProperties: true },
);
export type ConsentPayload = Static<typeof ConsentPayloadSchema>;
