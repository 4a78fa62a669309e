import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { effectiveConsents } from './consents.js';

describe('effective consents', () => {
  const type = (id: string, defaultValue: boolean) =>
    ({ id, defaultValue, revokable: true, name: id, description: '', autoRevokeSeconds: null }) as never;
  const now = new Date('2026-06-01T00:00:00Z');

  it('drops grants whose revoke time has passed and keeps the others', () => {
    const stored = {
      email: { revoke: null },
      sms: { revoke: '2026-05-31T23:59:59Z' },
      push: { revoke: '2026-06-02T00:00:00Z' },
    };
    expect(effectiveConsents(stored, [], now)).to.deep.equal({
      email: { revoke: null },
      push: { revoke: '2026-06-02T00:00:00Z' },
    });
  });

  it('counts default-granted types for profiles that never answered them, never over an answer', () => {
    expect(effectiveConsents({}, [type('terms', true), type('email', false)], now)).to.deep.equal({
      terms: { revoke: null },
    });
    expect(
      effectiveConsents({ terms: { revoke: '2026-01-01T00:00:00Z' } }, [type('terms', true)], now),
    ).to.deep.equal({});
  });
});

for (const dialect of testDialects()) {
  describe(`customer consents on ${dialect.name}`, () => {
    let server: TestServer;
    let profileId: string;

    before(async () => {
      server = await startTestServer(dialect);
      await server.request('/api/sources', {
        admin: true,
        json: { id: 'web', name: 'Web', type: 'javascript' },
      });
      for (const json of [
        { id: 'marketing-email', name: 'Marketing e-mail' },
        { id: 'sms', name: 'Text messages', autoRevoke: 3600 },
        { id: 'terms', name: 'Terms of service', revokable: false, defaultValue: true },
      ]) {
        expect((await server.request('/api/consents', { admin: true, json })).status).to.equal(201);
      }
      const tracked = await server.request('/track', {
        json: { source: { id: 'web' }, events: [{ type: 'signup' }] },
      });
      profileId = ((await tracked.json()) as any).profile.id;
    });
    after(() => server.stop());

    const consent = (consents: Record<string, unknown>, profile: unknown = { id: profileId }) =>
      server.request('/customer/consent', { json: { source: { id: 'web' }, profile, consents } });

    it('grants and withdraws consents, with lapse times, and records the change as an event', async () => {
      const before = Date.now();
      const granted = await consent({ 'marketing-email': true, sms: true });
      expect(granted.status).to.equal(200);
      const body = (await granted.json()) as any;
      expect(body.profile.id).to.equal(profileId);
      expect(body.consents['marketing-email']).to.deep.equal({ revoke: null });
      expect(body.consents.terms, 'default-granted').to.deep.equal({ revoke: null });
      const lapse = Date.parse(body.consents.sms.revoke);
      expect(lapse).to.be.within(before + 3_599_000, Date.now() + 3_601_000);

      const withdrawn = (await (await consent({ 'marketing-email': false })).json()) as any;
      expect(withdrawn.consents).to.not.have.property('marketing-email');
      const profile = (await (
        await server.request(`/api/profiles/${profileId}`, { admin: true })
      ).json()) as any;
      expect(Object.keys(profile.consents)).to.deep.equal(['sms']);

      const events = (await (
        await server.request(`/api/events?profile=${profileId}&type=consent-changed`, { admin: true })
      ).json()) as any;
      expect(events.items.map((e: any) => e.properties.consents)).to.deep.equal([
        { 'marketing-email': false },
        { 'marketing-email': true, sms: true },
      ]);
    });

    it('refuses unknown consents, withdrawing a non-revokable one, and unknown profiles', async () => {
      const unknown = await consent({ carrier_pigeon: true });
      expect(unknown.status).to.equal(422);
      expect(((await unknown.json()) as any).error.path).to.equal('consents.carrier_pigeon');
      const terms = await consent({ terms: false });
      expect(terms.status).to.equal(422);
      expect(((await terms.json()) as any).error.code).to.equal('not_revokable');
      const nobody = await consent({ sms: true }, { id: 'nobody-here' });
      expect(nobody.status).to.equal(404);
      expect(((await nobody.json()) as any).error.path).to.equal('profile.id');
    });

    it('manages consent types, naming the field at fault', async () => {
      const bad = await server.request('/api/consents', { admin: true, json: { id: 'Bad Id', name: 'x' } });
      expect(bad.status).to.equal(422);
      expect(((await bad.json()) as any).error.path).to.equal('id');
      const listed = (await (await server.request('/api/consents', { admin: true })).json()) as any;
      expect(listed.items.map((t: any) => t.id)).to.deep.equal(['marketing-email', 'sms', 'terms']);
      const updated = await server.request('/api/consents/sms', {
        admin: true,
        method: 'PUT',
        json: { id: 'sms', name: 'SMS', autoRevoke: null },
      });
      expect(((await updated.json()) as any).autoRevoke).to.equal(null);
    });
  });
}
