import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Router from '@koa/router';
import type { AuditLog } from '../audit/audit.js';
import { loadProfileForRead } from '../collector/identity.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import type { Database } from '../storage/orm.js';
import { decodeCursor, limitOf } from './cursor.js';
import { eraseProfile, profileExport } from './data-subject.js';
import {
  findProfile,
  listEvents,
  listSessions,
  readerOf,
  resolveProfileId,
  searchProfiles,
  type TraitFilter,
} from './queries.js';
import { type ProfileOverview, ProfileSearchQuerySchema, TRAIT_PARAM_PATTERN } from './schemas.js';
import { profileView } from './views.js';

const validateSearch = validator(ProfileSearchQuerySchema, 'query');
const TRAIT_PARAM = new RegExp(TRAIT_PARAM_PATTERN);
const DEFAULT_PAGE = 50;
/** What the console's profile page shows at first. */
const OVERVIEW_ITEMS = 50;

const notFound = (idOrAlias: string) =>
  new ApiError(404, 'not_found', `No profile has the id or alias "${idOrAlias}".`);

/**
 * `trait.<path>` parameters. A malformed path is refused with a message that says what a path may
 * hold, rather than the schema's generic "not an accepted field".
 */
function traitFilters(query: Record<string, unknown>): TraitFilter[] {
  const filters: TraitFilter[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'trait' && !key.startsWith('trait.')) continue;
    if (!TRAIT_PARAM.test(key)) {
      throw new ApiError(
        422,
        'validation_failed',
        `${key} is not a trait path: write trait.<name>[.<name>…] with up to 8 names of 1–64 letters, digits, "_" or "-".`,
        key,
      );
    }
    if (typeof value === 'string') filters.push({ segments: key.split('.').slice(1), value });
  }
  return filters;
}

/** Profile search, the console's profile page, erasure and export. */
export function addProfileRoutes(router: Router, db: Database, audit: AuditLog): void {
  router.get('/profiles', async (ctx) => {
    const raw = { ...ctx.query };
    const traits = traitFilters(raw);
    const query = validateSearch(raw);
    const limit = limitOf(query.limit, DEFAULT_PAGE);
    const cursor = query.cursor === undefined ? undefined : decodeCursor('profile', query.cursor);
    const reader = readerOf(db);
    let id: string | undefined;
    if (query.id !== undefined) {
      const resolved = await resolveProfileId(reader, query.id);
      if (!resolved) {
        ctx.body = { items: [], nextCursor: null };
        return;
      }
      id = resolved;
    }
    ctx.body = await searchProfiles(reader, { id, email: query.email, traits, cursor, limit });
  });

  router.get('/profiles/:id', async (ctx) => {
    const profile = await loadProfileForRead(db.em(), ctx.params.id!);
    if (!profile) throw notFound(ctx.params.id!);
    ctx.body = profileView(profile);
  });

  router.get('/profiles/:id/overview', async (ctx) => {
    const reader = readerOf(db);
    const id = await resolveProfileId(reader, ctx.params.id!);
    const profile = id ? await findProfile(reader, id) : null;
    if (!profile) throw notFound(ctx.params.id!);
    const listing = { profileId: profile.id, limit: OVERVIEW_ITEMS };
    const [sessions, events] = await Promise.all([
      listSessions(reader, listing),
      listEvents(reader, listing),
    ]);
    const overview: ProfileOverview = { profile: profileView(profile), sessions: sessions.items, events };
    ctx.body = overview;
  });

  router.delete('/profiles/:id', async (ctx) => {
    const erased = await eraseProfile(db, ctx.params.id!);
    if (!erased) throw notFound(ctx.params.id!);
    ctx.body = { erased };
    // Counts only: the audit log must not keep the personal data the erasure removed.
    const { events, sessions, identities } = erased;
    await audit.record(ctx, {
      action: 'erase',
      objectType: 'profile',
      objectId: erased.profile,
      after: { events, sessions, identities },
    });
  });

  router.get('/profiles/:id/export', async (ctx) => {
    const exported = await profileExport(readerOf(db), ctx.params.id!);
    if (!exported) throw notFound(ctx.params.id!);
    await audit.record(ctx, { action: 'export', objectType: 'profile', objectId: exported.profileId });
    ctx.status = 200;
    ctx.attachment(`profile-${exported.profileId}.json`);
    ctx.type = 'application/json';
    // Written here rather than handed to Koa as a stream body, so the request stays in flight (a
    // shutdown waits for it) and a read failing halfway is logged with the request; the client
    // then sees the response cut off, never a truncated document that looks complete.
    ctx.respond = false;
    await pipeline(Readable.from(exported.document), ctx.res);
  });
}
