import type { Database } from '../storage/orm.js';
import { forUpdate, sqlTransaction } from '../storage/sql.js';
import { decodeCursor } from './cursor.js';
import {
  findProfile,
  identitiesOf,
  listEvents,
  listSessions,
  resolveProfileId,
  type SqlReader,
} from './queries.js';
import type { ProfileErasure } from './schemas.js';
import { identityView, profileView } from './views.js';

/**
 * Data-subject requests: erasing everything stored about a profile, and exporting it.
 *
 * Tables that hold rows of a profile, by the column that names it. Erasure deletes from each; the
 * erasure test fails when a table with a profile column appears that this list does not name.
 */
export const PROFILE_REFERENCES = [
  { table: 'event', column: 'profile_id' },
  { table: 'session', column: 'profile_id' },
  { table: 'profile_identity', column: 'profile_id' },
] as const;

export type ErasureCounts = ProfileErasure['erased'];

/**
 * Deletes a profile with its events, sessions and identities in one transaction, the profile row
 * locked first: the collector locks it too before it stores events for it, so no event of the
 * profile can be committed between the deletes. Events that arrive afterwards find no profile and
 * get a new one. Null when no profile has the id or alias.
 */
export async function eraseProfile(db: Database, idOrAlias: string): Promise<ErasureCounts | null> {
  return sqlTransaction(db, async (tx) => {
    const lock = `select id from profile where id = ?${forUpdate(tx.dialect)}`;
    let [locked] = await tx.all<{ id: string }>(lock, [idOrAlias]);
    if (!locked) {
      const [alias] = await tx.all<{ profile_id: string }>(
        'select profile_id from profile_identity where alias = ?',
        [idOrAlias],
      );
      if (alias) [locked] = await tx.all<{ id: string }>(lock, [alias.profile_id]);
    }
    if (!locked) return null;
    const profile = locked.id;
    const deleted: Record<string, number> = {};
    for (const { table, column } of PROFILE_REFERENCES) {
      deleted[table] = await tx.run(`delete from ${table} where ${column} = ?`, [profile]);
    }
    await tx.run('delete from profile where id = ?', [profile]);
    return {
      profile,
      events: deleted.event ?? 0,
      sessions: deleted.session ?? 0,
      identities: deleted.profile_identity ?? 0,
    };
  });
}

/** Rows per query while exporting, so a profile with a long history is never loaded at once. */
export const EXPORT_PAGE_SIZE = 200;

/** Follows a listing's cursors to the end, one page at a time. */
async function* allPages<T>(
  fetch: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** A JSON array, one chunk of text per page. */
async function* jsonArray<T>(pages: AsyncGenerator<T[]>): AsyncGenerator<string> {
  let separator = '';
  yield '[';
  for await (const items of pages) {
    if (items.length === 0) continue;
    yield separator + items.map((item) => JSON.stringify(item)).join(',');
    separator = ',';
  }
  yield ']';
}

/**
 * The export document of a profile (see `ProfileExportSchema`), produced as JSON text piece by
 * piece: sessions and events are read a page at a time while the response is being sent. Null
 * when the profile does not exist.
 */
export async function profileExport(
  reader: SqlReader,
  idOrAlias: string,
): Promise<{ profileId: string; document: AsyncGenerator<string> } | null> {
  const id = await resolveProfileId(reader, idOrAlias);
  const profile = id ? await findProfile(reader, id) : null;
  if (!profile) return null;
  const identities = await identitiesOf(reader, profile.id);
  const profileId = profile.id;
  const sessionPage = (cursor: string | undefined) =>
    listSessions(reader, {
      profileId,
      limit: EXPORT_PAGE_SIZE,
      cursor: cursor === undefined ? undefined : decodeCursor('session', cursor),
    });
  const eventPage = (cursor: string | undefined) =>
    listEvents(reader, {
      profileId,
      limit: EXPORT_PAGE_SIZE,
      cursor: cursor === undefined ? undefined : decodeCursor('event', cursor),
    });
  async function* document(): AsyncGenerator<string> {
    yield `{"exportedAt":${JSON.stringify(new Date().toISOString())}`;
    yield `,"profile":${JSON.stringify(profileView(profile!))}`;
    yield `,"identities":${JSON.stringify(identities.map(identityView))}`;
    yield ',"sessions":';
    yield* jsonArray(allPages(sessionPage));
    yield ',"events":';
    yield* jsonArray(allPages(eventPage));
    yield '}';
  }
  return { profileId, document: document() };
}
