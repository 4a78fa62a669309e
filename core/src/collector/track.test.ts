import { expect } from 'chai';
import { ProfileIdentitySchema, SessionSchema } from '../storage/entities.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const FIREFOX_ANDROID = 'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0';

for (const dialect of testDialects()) {
  describe(`POST /track on ${dialect.name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(dialect);
      const created = await server.request('/api/sources', {
        admin: true,
        json: {
          id: 'web',
          name: 'Website',
          type: 'javascript',
          allowedOrigins: ['https://shop.example.com'],
        },
      });
      expect(created.status).to.equal(201);
    });
    after(() => server.stop());

    async function track(payload: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await server.request('/track', {
        json: { source: { id: 'web' }, ...payload },
        headers,
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    }

    async function profile(id: string) {
      const response = await server.request(`/api/profiles/${id}`, { admin: true });
      expect(response.status).to.equal(200);
      return (await response.json()) as Record<string, any>;
    }

    it('creates a profile and a session when the payload names neither', async () => {
      const { status, body } = await track({ events: [{ type: 'page-view', properties: { url: '/' } }] });
      expect(status).to.equal(200);
      expect(body.profile.id).to.be.a('string').with.length(36);
      expect(body.session.id).to.be.a('string');
      expect(body.events).to.have.length(1);
      expect(body).to.include.keys('ux', 'response', 'errors', 'warnings');
      const stored = await profile(body.profile.id);
      expect(stored.stats).to.deep.equal({ visits: 1, views: 1, counters: {} });
      expect(stored.metadata.time.visit.count).to.equal(1);
    });

    it('never adopts an unknown client profile id: a new profile gets a server id', async () => {
      const { body } = await track({ profile: { id: 'client-made-up-id' }, events: [{ type: 'login' }] });
      expect(body.profile.id).to.not.equal('client-made-up-id');
      expect(body.warnings.join()).to.contain('client-made-up-id');
      const missing = await server.request('/api/profiles/client-made-up-id', { admin: true });
      expect(missing.status).to.equal(404);
    });

    it('counts a visit per new session and a view per page-view event', async () => {
      const first = await track({
        session: { id: 'visit-1' },
        events: [{ type: 'page-view' }, { type: 'Page View' }],
      });
      const id = first.body.profile.id;
      await track({
        profile: { id },
        session: { id: 'visit-1' },
        events: [{ type: 'page-view' }, { type: 'click' }],
      });
      let stored = await profile(id);
      expect(stored.stats.visits).to.equal(1);
      expect(stored.stats.views).to.equal(3);
      await track({ profile: { id }, session: { id: 'visit-2' }, events: [{ type: 'page-view' }] });
      stored = await profile(id);
      expect(stored.stats.visits).to.equal(2);
      expect(stored.stats.views).to.equal(4);
      expect(stored.metadata.time.visit.last).to.be.a('string');
      expect(Date.parse(stored.metadata.time.visit.current)).to.be.at.least(
        Date.parse(stored.metadata.time.visit.last),
      );
    });

    it('finds the profile from a known session when the payload names no profile', async () => {
      const first = await track({ session: { id: 'visit-from-session' }, events: [{ type: 'page-view' }] });
      const second = await track({ session: { id: 'visit-from-session' }, events: [{ type: 'page-view' }] });
      expect(second.body.profile.id).to.equal(first.body.profile.id);
    });

    it('resolves the alias of a merged profile to that profile', async () => {
      const { body } = await track({ events: [{ type: 'signup' }] });
      const em = server.db.em();
      em.create(ProfileIdentitySchema, {
        alias: 'merged-old-id',
        profileId: body.profile.id,
        kind: 'merged',
        createdAt: new Date(),
      });
      await em.flush();
      const again = await track({ profile: { id: 'merged-old-id' }, events: [{ type: 'page-view' }] });
      expect(again.body.profile.id).to.equal(body.profile.id);
      expect((await profile('merged-old-id')).id).to.equal(body.profile.id);
    });

    it('normalises event types and keeps properties, context, tags and client time', async () => {
      const { body } = await track({
        events: [
          {
            type: '  Product   Added ',
            properties: { sku: 'A-1', price: 12.5 },
            context: { page: 'cart' },
            tags: ['promo'],
            time: '2026-05-01T10:00:00.000Z',
          },
        ],
      });
      const listed = await server.request(`/api/events?profile=${body.profile.id}`, { admin: true });
      const [event] = ((await listed.json()) as { items: Record<string, any>[] }).items;
      expect(event!.type).to.equal('product-added');
      expect(event!.properties).to.deep.equal({ sku: 'A-1', price: 12.5 });
      expect(event!.context).to.deep.equal({ page: 'cart' });
      expect(event!.tags).to.deep.equal(['promo']);
      expect(event!.metadata.time.create).to.equal('2026-05-01T10:00:00.000Z');
      expect(event!.metadata.status).to.equal('collected');
      expect(event!.session.id).to.equal(body.session.id);
    });

    it('reads device, OS, browser and UTM parameters into a new session', async () => {
      const { body } = await track(
        {
          session: { id: 'utm-visit' },
          context: {
            page: { url: 'https://shop.example.com/?utm_source=news&utm_medium=email&utm_campaign=spring' },
          },
          events: [{ type: 'page-view' }],
        },
        { 'user-agent': FIREFOX_ANDROID, 'accept-language': 'pl-PL,pl;q=0.9' },
      );
      const em = server.db.em();
      const session = await em.findOneOrFail(SessionSchema, { id: body.session.id });
      expect(session.device.type).to.equal('mobile');
      expect(session.os.name).to.equal('Android');
      expect(session.app).to.include({ name: 'Firefox', type: 'browser', language: 'pl-PL', bot: false });
      expect(session.utm).to.deep.equal({ source: 'news', medium: 'email', campaign: 'spring' });
    });

    it('acknowledges a retried event id without storing or counting it twice', async () => {
      const payload = { session: { id: 'retry-visit' }, events: [{ id: 'evt-retry-1', type: 'page-view' }] };
      const first = await track(payload);
      const second = await track({ ...payload, profile: first.body.profile });
      expect(second.body.events).to.deep.equal(['evt-retry-1']);
      expect(second.body.warnings.join()).to.contain('already collected');
      expect((await profile(first.body.profile.id)).stats.views).to.equal(1);
    });

    it('accepts a JSON body sent as text/plain, as navigator.sendBeacon does', async () => {
      const response = await server.request('/track', {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ source: { id: 'web' }, events: [{ type: 'page-view' }] }),
      });
      expect(response.status).to.equal(200);
    });
  });
}
