import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`events and sessions in the admin API on ${dialect.name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(dialect);
      for (const source of [
        { id: 'web', name: 'Web', type: 'rest' },
        { id: 'app', name: 'App', type: 'rest' },
        { id: 'crm', name: 'CRM', type: 'webhook' },
      ]) {
        expect((await server.request('/api/sources', { admin: true, json: source })).status).to.equal(201);
      }
    });
    after(() => server.stop());

    async function get(path: string) {
      const response = await server.request(path, { admin: true });
      return { status: response.status, body: (await response.json()) as any };
    }

    async function track(payload: Record<string, unknown>, source = 'web') {
      const response = await server.request('/track', { json: { source: { id: source }, ...payload } });
      expect(response.status).to.equal(200);
      return (await response.json()) as {
        profile: { id: string };
        session: { id: string };
        events: string[];
      };
    }

    function sql<T = Record<string, unknown>>(statement: string, params: unknown[] = []): Promise<T[]> {
      return server.db.orm.em.getConnection().execute(statement, params, 'all') as Promise<T[]>;
    }

    const times = (page: { items: any[] }) => page.items.map((e) => e.metadata.time.create);

    describe('GET /api/events', () => {
      let profile: string;
      let purchase: string;
      let processed: string;

      before(async () => {
        const created = await server.request('/collect/customer-synced/crm?profile_id=crm-events-1', {
          json: {},
        });
        profile = ((await created.json()) as { profile: { id: string } }).profile.id;
        const tracked = await track({
          profile: { id: profile },
          events: [
            { type: 'page-view', time: '2021-03-01T00:00:00Z' },
            { type: 'purchase', time: '2021-03-02T00:00:00Z' },
            { type: 'page-view', time: '2021-03-03T00:00:00Z' },
            { type: 'page-view', time: '2021-03-04T00:00:00Z' },
          ],
        });
        await track({ events: [{ type: 'page-view', time: '2021-03-02T12:00:00Z' }] }, 'app');
        // What flows would have recorded: one event failed, one was processed.
        [, purchase, , processed] = tracked.events as [string, string, string, string];
        await sql(`update event set status = 'error' where id = ?`, [purchase]);
        await sql(`update event set status = 'processed' where id = ?`, [processed]);
      });

      it('filters by profile id or alias, type and source, newest first', async () => {
        const byId = await get(`/api/events?profile=${profile}&type=page-view`);
        expect(times(byId.body)).to.deep.equal([
          '2021-03-04T00:00:00.000Z',
          '2021-03-03T00:00:00.000Z',
          '2021-03-01T00:00:00.000Z',
        ]);
        expect(byId.body.nextCursor).to.equal(null);
        const byAlias = await get('/api/events?profile=crm-events-1&type=page-view');
        expect(byAlias.body).to.deep.equal(byId.body);
        const fromApp = await get('/api/events?source=app');
        expect(fromApp.body.items.map((e: any) => e.source.id)).to.deep.equal(['app']);
        expect((await get('/api/events?profile=nobody')).body).to.deep.equal({ items: [], nextCursor: null });
      });

      it('filters by status', async () => {
        expect(
          (await get(`/api/events?profile=${profile}&status=error`)).body.items.map((e: any) => e.id),
        ).to.deep.equal([purchase]);
        expect(
          (await get(`/api/events?profile=${profile}&status=processed`)).body.items.map((e: any) => e.id),
        ).to.deep.equal([processed]);
        const collected = await get(`/api/events?profile=${profile}&status=collected`);
        expect(collected.body.items.map((e: any) => e.type)).to.deep.equal([
          'customer-synced',
          'page-view',
          'page-view',
        ]);
        expect((await get(`/api/events?profile=${profile}&status=invalid`)).body.items).to.deep.equal([]);
      });

      it('filters by a time range, from inclusive and to exclusive, in any time zone', async () => {
        const expected = ['2021-03-03T00:00:00.000Z', '2021-03-02T12:00:00.000Z', '2021-03-02T00:00:00.000Z'];
        const utc = await get('/api/events?from=2021-03-02T00:00:00Z&to=2021-03-04T00:00:00Z');
        expect(times(utc.body)).to.deep.equal(expected);
        const offset = await get(
          `/api/events?from=${encodeURIComponent('2021-03-02T01:00:00+01:00')}&to=${encodeURIComponent('2021-03-03T19:00:00-05:00')}`,
        );
        expect(times(offset.body)).to.deep.equal(expected);
        const open = await get(`/api/events?profile=${profile}&to=2021-03-02T00:00:00.001Z`);
        expect(times(open.body)).to.deep.equal(['2021-03-02T00:00:00.000Z', '2021-03-01T00:00:00.000Z']);
        const combined = await get(
          `/api/events?profile=crm-events-1&type=page-view&status=collected&source=web&from=2021-03-02T00:00:00Z`,
        );
        expect(times(combined.body)).to.deep.equal(['2021-03-03T00:00:00.000Z']);
      });

      it('reads one event', async () => {
        const { status, body } = await get(`/api/events/${purchase}`);
        expect(status).to.equal(200);
        expect(body).to.include({ id: purchase, type: 'purchase' });
        expect(body.metadata).to.deep.equal({
          time: { create: '2021-03-02T00:00:00.000Z', insert: body.metadata.time.insert },
          status: 'error',
        });
        expect(body.profile).to.deep.equal({ id: profile });
        expect((await get('/api/events/nothing-here')).status).to.equal(404);
      });

      it('pages newest first; events arriving meanwhile never repeat or shift a known event', async () => {
        const {
          profile: { id },
        } = await track({
          events: [
            { id: 'tie-a', type: 'scroll', time: '2021-05-01T00:00:00Z' },
            { id: 'tie-b', type: 'scroll', time: '2021-05-01T00:00:00Z' },
            { id: 'tie-c', type: 'scroll', time: '2021-05-01T00:00:00Z' },
            ...Array.from({ length: 6 }, (_, i) => ({ type: 'scroll', time: `2021-05-0${i + 2}T00:00:00Z` })),
          ],
        });
        const snapshot = (
          await sql<{ id: string }>(
            'select id from event where profile_id = ? order by created_at desc, id desc',
            [id],
          )
        ).map((r) => r.id);
        expect(snapshot).to.have.length(9);

        const seen: string[] = [];
        const older: string[] = [];
        let cursor: string | null = null;
        let arrival = 0;
        do {
          const query: string = `profile=${id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
          const { status, body } = await get(`/api/events?${query}`);
          expect(status).to.equal(200);
          seen.push(...body.items.map((e: any) => e.id));
          cursor = body.nextCursor;
          arrival++;
          // One event happening now, one that the client dated before all the others.
          const late = await track({
            profile: { id },
            events: [
              { type: 'scroll' },
              {
                id: `older-${arrival}`,
                type: 'scroll',
                time: new Date(Date.UTC(2000, 0, 1) - arrival * 1000).toISOString(),
              },
            ],
          });
          expect(late.profile.id).to.equal(id);
          older.push(`older-${arrival}`);
        } while (cursor);

        expect(seen.slice(0, snapshot.length)).to.deep.equal(snapshot);
        expect(new Set(seen).size).to.equal(seen.length);
        // Only events dated before everything already listed join the listing, at its end.
        const joined = seen.slice(snapshot.length);
        expect(older).to.include.members(joined);
        expect(joined).to.deep.equal(older.slice(0, joined.length));
      });

      it('keeps its old default of 100 events per page', async () => {
        await track({ events: Array.from({ length: 100 }, () => ({ type: 'tick' })) });
        await track({ events: [{ type: 'tick' }] });
        const first = await get('/api/events?type=tick');
        expect(first.body.items).to.have.length(100);
        const rest = await get(`/api/events?type=tick&cursor=${first.body.nextCursor}`);
        expect(rest.body.items).to.have.length(1);
        expect(rest.body.nextCursor).to.equal(null);
      });

      it('refuses bad queries with errors that name the parameter', async () => {
        const sessionCursor = (await get('/api/sessions?limit=1')).body.nextCursor as string;
        expect(sessionCursor).to.be.a('string');
        const cases: [string, string][] = [
          ['status=done', 'status'],
          ['from=yesterday', 'from'],
          ['from=2021-13-01T00:00:00Z', 'from'],
          ['to=2021-03-01T00:00:00', 'to'],
          ['from=0999-12-31T23:59:59Z', 'from'],
          ['from=2021-03-02T00:00:00Z&to=2021-03-02T00:00:00Z', 'to'],
          ['from=2021-03-02T00:00:00Z&to=2021-03-01T00:00:00Z', 'to'],
          ['limit=0', 'limit'],
          ['limit=1001', 'limit'],
          ['cursor=%%%', 'cursor'],
          ['cursor=WyJlIiwiYSIsImIiXQ', 'cursor'],
          [`cursor=${sessionCursor}`, 'cursor'],
          ['type=', 'type'],
          ['type=a&type=b', 'type'],
          ['sort=asc', 'sort'],
        ];
        for (const [query, path] of cases) {
          const { status, body } = await get(`/api/events?${query}`);
          expect(status, query).to.equal(422);
          expect(body.error.path, query).to.equal(path);
        }
      });
    });

    describe('GET /api/sessions', () => {
      it('lists the sessions of a profile, by id or alias, newest first, a page at a time', async () => {
        const created = await server.request('/collect/customer-synced/crm?profile_id=crm-sessions-1', {
          json: {},
        });
        const profile = ((await created.json()) as { profile: { id: string } }).profile.id;
        for (const session of ['sess-1', 'sess-2', 'sess-3']) {
          await track({
            profile: { id: profile },
            session: { id: session },
            events: [{ type: 'page-view' }],
          });
        }
        const all = await get(`/api/sessions?profile=crm-sessions-1`);
        expect(all.body.items.map((s: any) => s.id)).to.deep.equal(['sess-3', 'sess-2', 'sess-1']);
        const first = await get(`/api/sessions?profile=${profile}&limit=2`);
        expect(first.body.items.map((s: any) => s.id)).to.deep.equal(['sess-3', 'sess-2']);
        const second = await get(`/api/sessions?profile=${profile}&limit=2&cursor=${first.body.nextCursor}`);
        expect(second.body).to.deep.equal({ items: [all.body.items[2]], nextCursor: null });
        expect((await get('/api/sessions?profile=nobody')).body).to.deep.equal({
          items: [],
          nextCursor: null,
        });

        const one = await get('/api/sessions/sess-1');
        expect(one.status).to.equal(200);
        expect(one.body).to.deep.equal(all.body.items[2]);
        expect(one.body.profile).to.deep.equal({ id: profile });
        expect((await get('/api/sessions/no-such-session')).status).to.equal(404);
      });

      it('refuses bad queries with errors that name the parameter', async () => {
        const eventCursor = (await get('/api/events?limit=1')).body.nextCursor as string;
        for (const [query, path] of [
          ['limit=0', 'limit'],
          [`cursor=${eventCursor}`, 'cursor'],
          ['type=page-view', 'type'],
          ['profile=', 'profile'],
        ] as const) {
          const { status, body } = await get(`/api/sessions?${query}`);
          expect(status, query).to.equal(422);
          expect(body.error.path, query).to.equal(path);
        }
      });
    });
  });
}
