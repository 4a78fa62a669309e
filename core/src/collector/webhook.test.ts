import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

for (const dialect of testDialects()) {
  describe(`webhook bridge /collect/:eventType/:sourceId on ${dialect.name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(dialect);
      const sources = [
        { id: 'shop', name: 'Payments', type: 'webhook', config: { profilePath: 'customer.id' } },
        { id: 'plain', name: 'Forms', type: 'webhook' },
      ];
      for (const source of sources) {
        expect((await server.request('/api/sources', { admin: true, json: source })).status).to.equal(201);
      }
    });
    after(() => server.stop());

    async function lastEvent(query: string) {
      const response = await server.request(`/api/events?${query}&limit=1`, { admin: true });
      return ((await response.json()) as { items: Record<string, any>[] }).items[0]!;
    }

    it('stores a JSON body as the properties and finds the profile at the configured path', async () => {
      const body = { customer: { id: 'cus_42' }, amount: 1999, currency: 'EUR' };
      const first = await server.request('/collect/Payment%20Succeeded/shop', { json: body });
      expect(first.status).to.equal(200);
      const firstBody = (await first.json()) as { profile: { id: string }; events: string[] };
      expect(firstBody.profile.id).to.not.equal('cus_42');
      const second = await server.request('/collect/payment-succeeded/shop', {
        json: { ...body, amount: 500 },
      });
      const secondBody = (await second.json()) as { profile: { id: string } };
      expect(secondBody.profile.id, 'the external id maps to the same profile').to.equal(
        firstBody.profile.id,
      );
      const event = await lastEvent('type=payment-succeeded');
      expect(event.properties).to.deep.equal({ customer: { id: 'cus_42' }, amount: 500, currency: 'EUR' });
      const profile = (await (
        await server.request('/api/profiles/cus_42', { admin: true })
      ).json()) as Record<string, any>;
      expect(profile.id).to.equal(firstBody.profile.id);
      expect(profile.ids).to.deep.equal(['cus_42']);
    });

    it('takes the profile from a profile_id parameter', async () => {
      const response = await server.request('/collect/ticket-opened/plain?profile_id=crm-7', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'subject=Broken+zip&priority=high',
      });
      const body = (await response.json()) as { profile: { id: string } };
      const event = await lastEvent('type=ticket-opened');
      expect(event.properties).to.deep.equal({ subject: 'Broken zip', priority: 'high' });
      expect(event.profile.id).to.equal(body.profile.id);
    });

    it('keeps a plain-text body under "text" and stores a profile-less event when no profile is named', async () => {
      const response = await server.request('/collect/note/plain', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'call me back',
      });
      const body = (await response.json()) as { profile: null };
      expect(body.profile).to.equal(null);
      const event = await lastEvent('type=note');
      expect(event.properties).to.deep.equal({ text: 'call me back' });
      expect(event.profile).to.equal(null);
      expect(event.session).to.equal(null);
    });

    it('turns the query string of a GET into the properties', async () => {
      const response = await server.request('/collect/pixel/plain?campaign=spring&variant=b');
      expect(response.status).to.equal(200);
      const event = await lastEvent('type=pixel');
      expect(event.properties).to.deep.equal({ campaign: 'spring', variant: 'b' });
    });

    it('refuses an unknown source with 401', async () => {
      const response = await server.request('/collect/pixel/missing');
      expect(response.status).to.equal(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('unknown_source');
    });
  });
}
