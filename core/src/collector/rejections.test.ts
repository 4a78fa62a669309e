import { expect } from 'chai';
import { EventSchema, ProfileSchema, SessionSchema } from '../storage/entities.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`collector rejections on ${dialect.name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(dialect, { CAIRN_MAX_BODY: '4kb', CAIRN_MAX_EVENTS: '3' });
      for (const source of [
        {
          id: 'web',
          name: 'Website',
          type: 'javascript',
          allowedOrigins: ['https://shop.example.com', 'https://*.example.org'],
        },
        { id: 'off', name: 'Retired', type: 'rest', enabled: false },
        { id: 'keyed', name: 'Backend', type: 'rest', writeKey: 'wk_0123456789abcdef', allowedOrigins: [] },
      ]) {
        expect((await server.request('/api/sources', { admin: true, json: source })).status).to.equal(201);
      }
    });
    after(() => server.stop());

    async function rowCounts() {
      const em = server.db.em();
      return {
        profiles: await em.count(ProfileSchema, {}),
        sessions: await em.count(SessionSchema, {}),
        events: await em.count(EventSchema, {}),
      };
    }

    /** Sends a request that must be refused, and checks the refusal and that nothing was written. */
    async function refused(
      init: RequestInit & { json?: unknown },
      status: number,
      code: string,
      path?: string,
      url = '/track',
    ) {
      const before = await rowCounts();
      const response = await server.request(url, { method: 'POST', ...init });
      const body = (await response.json()) as { error: { code: string; message: string; path?: string } };
      expect(response.status, JSON.stringify(body)).to.equal(status);
      expect(body.error.code).to.equal(code);
      expect(body.error.message).to.be.a('string').and.not.empty;
      if (path !== undefined) expect(body.error.path).to.equal(path);
      expect(await rowCounts()).to.deep.equal(before);
      return body.error;
    }

    const valid = { source: { id: 'web' }, events: [{ type: 'page-view' }] };

    it('answers malformed JSON with 400', async () => {
      await refused(
        { headers: { 'content-type': 'application/json' }, body: '{"source": {' },
        400,
        'malformed_body',
      );
    });

    it('answers a body over CAIRN_MAX_BODY with 413', async () => {
      const big = { ...valid, events: [{ type: 'page-view', properties: { blob: 'x'.repeat(5000) } }] };
      await refused({ json: big }, 413, 'payload_too_large');
    });

    it('answers an unknown source with 401', async () => {
      await refused({ json: { ...valid, source: { id: 'nope' } } }, 401, 'unknown_source', 'source.id');
    });

    it('answers a disabled source with 401', async () => {
      await refused({ json: { ...valid, source: { id: 'off' } } }, 401, 'source_disabled');
    });

    it('requires the write key of a source that has one', async () => {
      await refused({ json: { ...valid, source: { id: 'keyed' } } }, 401, 'invalid_write_key');
      await refused(
        {
          json: { ...valid, source: { id: 'keyed' } },
          headers: { 'x-cairn-write-key': 'wk_wrong_wrong_wrong' },
        },
        401,
        'invalid_write_key',
      );
      const accepted = await server.request('/track', {
        json: { ...valid, source: { id: 'keyed' } },
        headers: { 'x-cairn-write-key': 'wk_0123456789abcdef' },
      });
      expect(accepted.status).to.equal(200);
    });

    it('answers schema violations with 422 naming the field path', async () => {
      await refused({ json: { source: { id: 'web' } } }, 422, 'validation_failed', 'events');
      await refused(
        { json: { ...valid, events: [{ type: 'ok' }, { properties: {} }] } },
        422,
        'validation_failed',
        'events[1].type',
      );
      await refused(
        { json: { ...valid, events: [{ type: 'ok', time: 'yesterday' }] } },
        422,
        'validation_failed',
        'events[0].time',
      );
      await refused({ json: { ...valid, profile: { id: 42 } } }, 422, 'validation_failed', 'profile.id');
      await refused(
        { json: { ...valid, events: [{ type: '   ' }] } },
        422,
        'validation_failed',
        'events[0].type',
      );
    });

    it('refuses a batch in which two events share an id, storing none of it', async () => {
      const events = [
        { id: 'dup-1', type: 'a' },
        { id: 'dup-1', type: 'b' },
      ];
      await refused({ json: { ...valid, events } }, 422, 'duplicate_event_id', 'events[1].id');
    });

    it('answers more events than CAIRN_MAX_EVENTS with 422', async () => {
      const events = Array.from({ length: 4 }, () => ({ type: 'page-view' }));
      await refused({ json: { ...valid, events } }, 422, 'too_many_events', 'events');
    });

    it('refuses an origin the source does not list, and accepts the ones it does', async () => {
      await refused(
        { json: valid, headers: { origin: 'https://evil.example.net' } },
        403,
        'origin_not_allowed',
      );
      for (const origin of ['https://shop.example.com', 'https://eu.example.org']) {
        const response = await server.request('/track', { json: valid, headers: { origin } });
        expect(response.status).to.equal(200);
        expect(response.headers.get('access-control-allow-origin')).to.equal(origin);
      }
    });

    it('answers CORS preflights only for origins an enabled source allows', async () => {
      const preflight = (origin: string, path = '/track') =>
        server.request(path, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      const allowed = await preflight('https://shop.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://shop.example.com');
      expect(allowed.headers.get('access-control-allow-methods')).to.contain('POST');
      const denied = await preflight('https://evil.example.net');
      expect(denied.headers.get('access-control-allow-origin')).to.equal(null);
      const webhook = await preflight('https://eu.example.org', '/collect/order/web');
      expect(webhook.headers.get('access-control-allow-origin')).to.equal('https://eu.example.org');
    });

    it('answers unknown routes with a JSON 404', async () => {
      const response = await server.request('/nowhere');
      expect(response.status).to.equal(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('not_found');
    });
  });
}
