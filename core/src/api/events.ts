import type Router from '@koa/router';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import type { Database } from '../storage/orm.js';
import { decodeCursor, limitOf } from './cursor.js';
import {
  findEvent,
  findSession,
  listEvents,
  listSessions,
  readerOf,
  resolveProfileId,
  type SqlReader,
} from './queries.js';
import { EventQuerySchema, SessionQuerySchema } from './schemas.js';
import { eventView, sessionView } from './views.js';

const validateEventQuery = validator(EventQuerySchema, 'query');
const validateSessionQuery = validator(SessionQuerySchema, 'query');
/** Events kept their default page of 100 from before pagination; sessions page like profiles. */
const DEFAULT_EVENT_PAGE = 100;
const DEFAULT_SESSION_PAGE = 50;

const EMPTY_PAGE = { items: [], nextCursor: null };

// MySQL's DATETIME holds the years 1000 to 9999; a bound outside them would compare wrongly.
const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);

/** A `date-time` the schema accepted, as a time both databases can compare with. */
function dateOf(text: string, field: 'from' | 'to'): Date {
  const date = new Date(text);
  if (!(date.getTime() >= EARLIEST && date.getTime() < LATEST)) {
    throw new ApiError(422, 'validation_failed', `${field} must lie between the years 1000 and 9999.`, field);
  }
  return date;
}

/** Event and session listings, newest first, and single events and sessions. */
/** The profile a `profile` filter names (by id or alias); null when it names none: the page is empty. */
async function profileFilter(
  reader: SqlReader,
  given: string | undefined,
): Promise<string | undefined | null> {
  return given === undefined ? undefined : ((await resolveProfileId(reader, given)) ?? null);
}

export function addEventRoutes(router: Router, db: Database): void {
  router.get('/events', async (ctx) => {
    const query = validateEventQuery({ ...ctx.query });
    const limit = limitOf(query.limit, DEFAULT_EVENT_PAGE);
    const cursor = query.cursor === undefined ? undefined : decodeCursor('event', query.cursor);
    const from = query.from === undefined ? undefined : dateOf(query.from, 'from');
    const to = query.to === undefined ? undefined : dateOf(query.to, 'to');
    if (from && to && from.getTime() >= to.getTime()) {
      throw new ApiError(422, 'validation_failed', 'to must be later than from.', 'to');
    }
    const reader = readerOf(db);
    const profileId = await profileFilter(reader, query.profile);
    if (profileId === null) {
      ctx.body = EMPTY_PAGE;
      return;
    }
    ctx.body = await listEvents(reader, {
      profileId,
      type: query.type,
      sourceId: query.source,
      status: query.status,
      from,
      to,
      cursor,
      limit,
    });
  });

  router.get('/events/:id', async (ctx) => {
    const event = await findEvent(readerOf(db), ctx.params.id!);
    if (!event) throw new ApiError(404, 'not_found', `Event "${ctx.params.id}" does not exist.`);
    ctx.body = eventView(event);
  });

  router.get('/sessions', async (ctx) => {
    const query = validateSessionQuery({ ...ctx.query });
    const limit = limitOf(query.limit, DEFAULT_SESSION_PAGE);
    const cursor = query.cursor === undefined ? undefined : decodeCursor('session', query.cursor);
    const reader = readerOf(db);
    const profileId = await profileFilter(reader, query.profile);
    if (profileId === null) {
      ctx.body = EMPTY_PAGE;
      return;
    }
    ctx.body = await listSessions(reader, { profileId, cursor, limit });
  });

  router.get('/sessions/:id', async (ctx) => {
    const session = await findSession(readerOf(db), ctx.params.id!);
    if (!session) throw new ApiError(404, 'not_found', `Session "${ctx.params.id}" does not exist.`);
    ctx.body = sessionView(session);
  });
}
