import { expect } from 'chai';
import { v7 as uuidv7 } from 'uuid';
import { PROFILE_COLUMNS, type ProfileRecord, profileToRow } from '../storage/records.js';
import { insertRows, sqlTransaction } from '../storage/sql.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { EXPORT_PAGE_SIZE, PROFILE_REFERENCES } from './data-subject.js';

for (const dialect of testDialects()) {
  describe(`profiles in the admin API on ${dialect.name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(dialect);
      for (const source of [
        { id: 'web', name: 'Web', type: 'rest' },
        { id: 'crm', name: 'CRM', type: 'webhook' },
      ]) {
        expect((await server.request('/api/sources', { admin: true, json: source })).status).to.equal(201);
      }
    });
    after(() => server.stop());

    async function get(path: string) {
      const response = await server.request(path, { admin: true });
      return { status: response.status, body: (await response.json()) as any, headers: response.headers };
    }

    async function track(payload: Record<string, unknown>) {
      const response = await server.request('/track', { json: { source: { id: 'web' }, ...payload } });
      expect(response.status).to.equal(200);
      return (await response.json()) as {
        profile: { id: string };
        session: { id: string };
        warnings: string[];
      };
    }

    /** A profile whose external id is `alias`, as a CRM webhook creates it. */
    async function profileWithAlias(alias: string): Promise<string> {
      const response = await server.request(`/collect/customer-synced/crm?profile_id=${alias}`, { json: {} });
      expect(response.status).to.equal(200);
      return ((await response.json()) as { profile: { id: string } }).profile.id;
    }

    /** Stores a profile as the collector would, with the traits and data a flow would have set. */
    async function storeProfile(fields: Partial<ProfileRecord>): Promise<ProfileRecord> {
      const now = new Date();
      const profile: ProfileRecord = {
        id: uuidv7(),
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
        ...fields,
      };
      await sqlTransaction(server.db, (tx) =>
        tx.run(...insertRows(tx.dialect, 'profile', PROFILE_COLUMNS, [profileToRow(tx.dialect, profile)])),
      );
      return profile;
    }

    function sql<T = Record<string, unknown>>(statement: string, params: unknown[] = []): Promise<T[]> {
      return server.db.orm.em.getConnection().execute(statement, params, 'all') as Promise<T[]>;
    }

    const ids = (page: { items: { id: string }[] }) => page.items.map((p) => p.id);

    describe('search', () => {
      it('finds a profile by its id or any of its aliases', async () => {
        const id = await profileWithAlias('crm-1001');
        for (const query of [id, 'crm-1001']) {
          const { status, body } = await get(`/api/profiles?id=${query}`);
          expect(status).to.equal(200);
          expect(ids(body)).to.deep.equal([id]);
          expect(body.items[0].ids).to.deep.equal(['crm-1001']);
          expect(body.nextCursor).to.equal(null);
        }
        expect((await get('/api/profiles?id=crm-unknown')).body).to.deep.equal({
          items: [],
          nextCursor: null,
        });
      });

      it('finds profiles by any address under data.contact.email, ignoring case', async () => {
        const ada = await storeProfile({
          data: { contact: { email: { main: 'Ada@Example.com', business: 'ada_work@corp.example' } } },
        });
        const grace = await storeProfile({ data: { contact: { email: 'grace@example.com' } } });
        const lin = await storeProfile({
          data: { contact: { email: ['lin@example.com', 'Lin@Work.example'] } },
        });
        const traitOnly = await storeProfile({ traits: { email: 'ada@example.com' } });
        expect(ids((await get('/api/profiles?email=ada%40EXAMPLE.com')).body)).to.deep.equal([ada.id]);
        expect(ids((await get('/api/profiles?email=ada_work%40corp.example')).body)).to.deep.equal([ada.id]);
        expect(ids((await get('/api/profiles?email=Grace%40example.com')).body)).to.deep.equal([grace.id]);
        expect(ids((await get('/api/profiles?email=lin%40work.example')).body)).to.deep.equal([lin.id]);
        expect(ids((await get('/api/profiles?email=ada%25')).body), 'no wildcards').to.deep.equal([]);
        expect(ids((await get('/api/profiles?email=adaXwork%40corp.example')).body)).to.deep.equal([]);
        expect(ids((await get('/api/profiles?email=ada%40example.com')).body)).to.not.include(traitOnly.id);
      });

      it('finds profiles by equality on trait paths: strings exactly, numbers and booleans by value', async () => {
        const ada = await storeProfile({
          traits: {
            batch: 'traits',
            name: 'Ada',
            age: 42,
            vip: true,
            score: 0.5,
            address: { city: 'Berlin' },
            'first-name': 'Ada',
          },
        });
        const other = await storeProfile({
          traits: { batch: 'traits', name: 'ada', age: '42', vip: 'yes', address: 'Berlin' },
        });
        const search = async (query: string) =>
          ids((await get(`/api/profiles?trait.batch=traits&${query}`)).body);
        expect(await search('trait.name=Ada')).to.deep.equal([ada.id]);
        expect(await search('trait.name=ada')).to.deep.equal([other.id]);
        expect(await search('trait.age=42')).to.deep.equal([other.id, ada.id]);
        expect(await search('trait.age=42.0')).to.deep.equal([ada.id]);
        expect(await search('trait.score=0.5')).to.deep.equal([ada.id]);
        expect(await search('trait.vip=true')).to.deep.equal([ada.id]);
        expect(await search('trait.vip=yes')).to.deep.equal([other.id]);
        expect(await search('trait.address.city=Berlin')).to.deep.equal([ada.id]);
        expect(await search('trait.address.city=berlin')).to.deep.equal([]);
        expect(await search('trait.address=Berlin')).to.deep.equal([other.id]);
        expect(await search('trait.first-name=Ada')).to.deep.equal([ada.id]);
        expect(await search('trait.age=42&trait.name=ada')).to.deep.equal([other.id]);
        expect(await search(`trait.name=${encodeURIComponent("Ada' or '1'='1")}`)).to.deep.equal([]);
        const withEmail = await storeProfile({
          traits: { batch: 'traits', name: 'Ada' },
          data: { contact: { email: { main: 'ada.two@example.com' } } },
        });
        expect(await search('trait.name=Ada&email=ada.two%40example.com')).to.deep.equal([withEmail.id]);
      });

      it('pages newest first; a cursor neither repeats nor skips a profile while others arrive', async () => {
        const tie = new Date(Date.now() - 60_000);
        for (let i = 0; i < 3; i++) await storeProfile({ createdAt: tie, updatedAt: tie });
        for (let i = 0; i < 4; i++) await track({ events: [{ type: 'page-view' }] });
        const before = await sql<{ id: string }>('select id from profile order by created_at desc, id desc');
        const expected = before.map((r) => r.id);
        expect(expected.length).to.be.greaterThan(8);

        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = cursor ? `limit=4&cursor=${cursor}` : 'limit=4';
          const { status, body } = await get(`/api/profiles?${query}`);
          expect(status).to.equal(200);
          expect(body.items.length).to.be.at.most(4);
          seen.push(...ids(body));
          cursor = body.nextCursor;
          pages++;
          // New profiles arrive between pages, some with the same creation time as the tied ones.
          await track({ events: [{ type: 'page-view' }] });
          await storeProfile({ createdAt: tie, updatedAt: tie });
        } while (cursor);

        // Profiles stored at the tied time with a smaller id than the cursor may join later pages:
        // they are new, and still nothing known before is repeated or skipped.
        const known = seen.filter((id) => expected.includes(id));
        expect(known).to.deep.equal(expected);
        expect(new Set(seen).size).to.equal(seen.length);
        expect(pages).to.be.greaterThan(2);
      });

      it('answers 50 profiles per page unless told otherwise', async () => {
        for (let i = 0; i < 51; i++) await storeProfile({ traits: { batch: 'default-limit' } });
        const first = await get('/api/profiles?trait.batch=default-limit');
        expect(first.body.items).to.have.length(50);
        const rest = await get(`/api/profiles?trait.batch=default-limit&cursor=${first.body.nextCursor}`);
        expect(rest.body.items).to.have.length(1);
        expect(rest.body.nextCursor).to.equal(null);
      });

      it('refuses bad queries with errors that name the parameter', async () => {
        const eventCursor = (await get('/api/events?limit=1')).body.nextCursor as string;
        expect(eventCursor).to.be.a('string');
        const cases: [string, string][] = [
          ['trait.x..y=1', 'trait.x..y'],
          ['trait.=1', 'trait.'],
          ['trait=1', 'trait'],
          [`trait.${'a'.repeat(65)}=1`, `trait.${'a'.repeat(65)}`],
          ['trait.a.b.c.d.e.f.g.h.i=1', 'trait.a.b.c.d.e.f.g.h.i'],
          [`trait.${encodeURIComponent('na"me')}=1`, 'trait.na"me'],
          ['trait.a=1&trait.a=2', 'trait.a'],
          ['limit=0', 'limit'],
          ['limit=1001', 'limit'],
          ['limit=ten', 'limit'],
          ['cursor=not*base64', 'cursor'],
          ['cursor=bm9wZQ', 'cursor'],
          ['email=', 'email'],
          ['colour=red', 'colour'],
          [`cursor=${eventCursor}`, 'cursor'],
        ];
        for (const [query, path] of cases) {
          const { status, body } = await get(`/api/profiles?${query}`);
          expect(status, query).to.equal(422);
          expect(body.error.code, query).to.equal('validation_failed');
          expect(body.error.path, query).to.equal(path);
        }
      });
    });

    it('shows a profile with its latest sessions and events, and a cursor to the older events', async () => {
      const first = await track({ session: { id: 'overview-1' }, events: [{ type: 'page-view' }] });
      const profile = first.profile.id;
      const events = Array.from({ length: 55 }, (_, i) => ({
        type: 'product-viewed',
        time: new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString(),
      }));
      await track({ profile: { id: profile }, session: { id: 'overview-2' }, events });
      const { status, body } = await get(`/api/profiles/${profile}/overview`);
      expect(status).to.equal(200);
      expect(body.profile.id).to.equal(profile);
      expect(body.sessions.map((s: any) => s.id)).to.have.members(['overview-1', 'overview-2']);
      expect(body.events.items).to.have.length(50);
      expect(body.events.items[0].type).to.equal('page-view');
      const older = await get(`/api/events?profile=${profile}&cursor=${body.events.nextCursor}`);
      expect(older.body.items.map((e: any) => e.metadata.time.create)).to.deep.equal(
        events
          .slice(0, 6)
          .map((e) => e.time)
          .reverse(),
      );
      expect(older.body.nextCursor).to.equal(null);
      expect((await get('/api/profiles/nobody/overview')).status).to.equal(404);
    });

    describe('erasure', () => {
      /** Every column of every table, to look for what an erased profile might have left. */
      async function columns(): Promise<{ table: string; column: string }[]> {
        const rows =
          dialect.name === 'sqlite'
            ? await sql<{ t: string; c: string }>(
                `select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p
                 where m.type = 'table' and m.name not like 'sqlite_%'`,
              )
            : await sql<{ t: string; c: string }>(
                'select table_name as t, column_name as c from information_schema.columns where table_schema = database()',
              );
        return rows.map((r) => ({ table: r.t, column: r.c }));
      }

      /** `table.column` → rows whose value contains `text`. */
      async function occurrences(text: string): Promise<Record<string, number>> {
        const found: Record<string, number> = {};
        for (const { table, column } of await columns()) {
          const [row] = await sql<{ n: number | string }>(
            `select count(*) as n from \`${table}\` where cast(\`${column}\` as char) like ?`,
            [`%${text}%`],
          );
          if (Number(row!.n) > 0) found[`${table}.${column}`] = Number(row!.n);
        }
        return found;
      }

      async function customer(alias: string, email: string) {
        const id = await profileWithAlias(alias);
        for (const session of ['a', 'b']) {
          await track({
            profile: { id },
            session: { id: `${alias}-${session}` },
            events: [{ type: 'identify', properties: { email } }, { type: 'page-view' }],
          });
        }
        return id;
      }

      async function stored(profile: string) {
        const count = async (table: string, column: string) =>
          Number(
            (
              await sql<{ n: number }>(`select count(*) as n from ${table} where ${column} = ?`, [profile])
            )[0]!.n,
          );
        return {
          profile: await count('profile', 'id'),
          events: await count('event', 'profile_id'),
          sessions: await count('session', 'profile_id'),
          identities: await count('profile_identity', 'profile_id'),
        };
      }

      it('knows every table that refers to a profile', async () => {
        const referring = (await columns())
          .filter(({ column }) => /profile/i.test(column))
          .map(({ table, column }) => `${table}.${column}`)
          .sort();
        expect(referring).to.deep.equal(PROFILE_REFERENCES.map((r) => `${r.table}.${r.column}`).sort());
      });

      it('erases a profile, its identities, sessions and events, and leaves other profiles intact', async () => {
        const erased = await customer('crm-erase-7', 'erase.me@example.com');
        const kept = await customer('crm-keep-8', 'keep.me@example.com');
        const keptBefore = await stored(kept);

        const response = await server.request('/api/profiles/crm-erase-7', { admin: true, method: 'DELETE' });
        expect(response.status).to.equal(200);
        expect(await response.json()).to.deep.equal({
          erased: { profile: erased, events: 5, sessions: 2, identities: 1 },
        });

        expect(await stored(erased)).to.deep.equal({ profile: 0, events: 0, sessions: 0, identities: 0 });
        expect(await occurrences('erase.me@example.com')).to.deep.equal({});
        expect(await occurrences('crm-erase-7')).to.deep.equal({});
        // Only the audit log names the erased id: the record of the erasure itself.
        expect(await occurrences(erased)).to.deep.equal({ 'audit_entry.object_id': 1 });

        expect(await stored(kept)).to.deep.equal(keptBefore);
        expect((await get(`/api/profiles/${kept}`)).status).to.equal(200);
        expect((await get('/api/profiles/crm-keep-8')).body.id).to.equal(kept);

        expect((await get(`/api/profiles/${erased}`)).status).to.equal(404);
        const again = await server.request(`/api/profiles/${erased}`, { admin: true, method: 'DELETE' });
        expect(again.status).to.equal(404);

        const audit = await get(`/api/audit?objectType=profile&objectId=${erased}`);
        expect(audit.body.items).to.have.length(1);
        expect(audit.body.items[0]).to.include({ action: 'erase', objectType: 'profile', objectId: erased });
        expect(audit.body.items[0].after).to.deep.equal({ events: 5, sessions: 2, identities: 1 });
        expect(JSON.stringify(audit.body.items[0])).to.not.match(/erase\.me|crm-erase/);
      });

      it('gives events that arrive after an erasure a new profile', async () => {
        const erased = await customer('crm-erase-9', 'late@example.com');
        await server.request(`/api/profiles/${erased}`, { admin: true, method: 'DELETE' });
        const late = await track({
          profile: { id: erased },
          session: { id: 'crm-erase-9-a' },
          events: [{ type: 'page-view' }],
        });
        expect(late.profile.id).to.not.equal(erased);
        expect(late.warnings.join()).to.contain(erased);
        expect(await stored(erased)).to.deep.equal({ profile: 0, events: 0, sessions: 0, identities: 0 });
      });

      it('leaves nothing under the erased id when events for the profile race the erasure', async () => {
        const erased = await customer('crm-race-1', 'race@example.com');
        const racing = Array.from({ length: 8 }, (_, i) =>
          track({ profile: { id: erased }, session: { id: `race-${i}` }, events: [{ type: 'page-view' }] }),
        );
        const erasure = server.request(`/api/profiles/${erased}`, { admin: true, method: 'DELETE' });
        const answers = await Promise.all(racing);
        expect((await erasure).status).to.equal(200);
        expect(await stored(erased)).to.deep.equal({ profile: 0, events: 0, sessions: 0, identities: 0 });
        for (const answer of answers.filter((a) => a.profile.id !== erased)) {
          expect((await get(`/api/profiles/${answer.profile.id}`)).status).to.equal(200);
        }
      });
    });

    describe('export', () => {
      it('exports the profile, its identities, every session and every event as an attachment', async () => {
        const profile = await profileWithAlias('crm-export-3');
        const count = EXPORT_PAGE_SIZE + 50;
        for (let sent = 0; sent < count; sent += 50) {
          await track({
            profile: { id: profile },
            session: { id: `export-${sent / 50}` },
            events: Array.from({ length: 50 }, (_, i) => ({
              type: 'page-view',
              properties: { n: sent + i },
            })),
          });
        }
        const response = await server.request(`/api/profiles/crm-export-3/export`, { admin: true });
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^application\/json/);
        expect(response.headers.get('content-disposition')).to.equal(
          `attachment; filename="profile-${profile}.json"`,
        );
        const document = (await response.json()) as any;
        expect(document.profile.id).to.equal(profile);
        expect(document.identities.map((i: any) => i.alias)).to.deep.equal(['crm-export-3']);
        expect(document.sessions).to.have.length(count / 50);
        const stored = await sql<{ id: string }>('select id from event where profile_id = ?', [profile]);
        expect(stored).to.have.length(count + 1);
        expect(document.events).to.have.length(stored.length);
        expect(document.events.map((e: any) => e.id)).to.have.members(stored.map((e) => e.id));
        expect(document.events.filter((e: any) => e.properties.n !== undefined)).to.have.length(count);

        const audit = await get(`/api/audit?objectType=profile&objectId=${profile}`);
        expect(audit.body.items.map((e: any) => e.action)).to.deep.equal(['export']);
        expect((await server.request('/api/profiles/nobody/export', { admin: true })).status).to.equal(404);
      });
    });
  });
}
