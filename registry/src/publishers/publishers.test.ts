import { testDialects } from '@cairn/core/test-support/databases';
import { generateSigningKey } from '@cairn/sdk/package';
import { expect } from 'chai';
import {
  errorOf,
  manifest,
  PASSWORD,
  release,
  startTestRegistry,
  TEST_ADMIN_TOKEN,
  type TestRegistry,
  tarballOf,
} from '../test-support/registry.js';

const account = (name: string) => ({ name, email: `${name}@example.com`, password: PASSWORD });

for (const dialect of testDialects()) {
  describe(`publisher accounts (${dialect.name})`, function () {
    this.timeout(60_000);
    let registry: TestRegistry;

    before(async () => {
      registry = await startTestRegistry(dialect, { CAIRN_REGISTRY_LOGIN_ATTEMPTS: '3' });
    });
    after(() => registry.stop());

    it('lets anyone sign up when sign-up is open, and never shows the password', async () => {
      const response = await registry.request('/api/publishers', { json: account('wayne') });
      expect(response.status).to.equal(201);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).to.include({ name: 'wayne', email: 'wayne@example.com' });
      expect(JSON.stringify(body)).not.to.contain(PASSWORD);
    });

    it('refuses a taken name or e-mail, a reserved name and an invalid name', async () => {
      await registry.request('/api/publishers', { json: account('stark') });
      const name = await registry.request('/api/publishers', {
        json: { ...account('stark'), email: 'other@example.com' },
      });
      expect(name.status).to.equal(409);
      expect(await errorOf(name)).to.include({ code: 'name_taken', path: 'name' });
      const email = await registry.request('/api/publishers', {
        json: { ...account('stark-two'), email: 'STARK@example.com' },
      });
      expect(email.status).to.equal(409);
      expect(await errorOf(email)).to.include({ code: 'email_taken', path: 'email' });

      const reserved = await registry.request('/api/publishers', { json: account('cairn') });
      expect(reserved.status).to.equal(422);
      expect((await errorOf(reserved)).code).to.equal('name_reserved');
      const byOperator = await registry.request('/api/publishers', {
        json: account('cairn'),
        bearer: TEST_ADMIN_TOKEN,
      });
      expect(byOperator.status).to.equal(201);

      for (const bad of ['A', 'Acme', '-acme', 'acme_corp', 'x'.repeat(40)]) {
        const response = await registry.request('/api/publishers', { json: account(bad) });
        expect(response.status, bad).to.equal(422);
        expect(await errorOf(response), bad).to.include({ code: 'validation_failed', path: 'name' });
      }
    });

    it('signs in by name or e-mail and returns a bearer token for the CLI', async () => {
      await registry.request('/api/publishers', { json: account('umbrella') });
      for (const login of [{ name: 'umbrella' }, { email: 'Umbrella@Example.com' }]) {
        const response = await registry.request('/api/auth/login', {
          json: { ...login, password: PASSWORD },
        });
        expect(response.status).to.equal(200);
        const { token } = (await response.json()) as { token: string };
        const me = await registry.request('/api/auth/me', { bearer: token });
        expect(((await me.json()) as { name: string }).name).to.equal('umbrella');
      }
    });

    it('refuses a wrong password, then limits failed sign-ins (too_many_attempts)', async () => {
      await registry.request('/api/publishers', { json: account('cyberdyne') });
      const attempt = (password: string) =>
        registry.request('/api/auth/login', { json: { name: 'cyberdyne', password } });
      for (let i = 0; i < 3; i++) {
        const response = await attempt('wrong password');
        expect(response.status).to.equal(401);
        expect((await errorOf(response)).code).to.equal('invalid_credentials');
      }
      const limited = await attempt(PASSWORD);
      expect(limited.status).to.equal(429);
      expect((await errorOf(limited)).code).to.equal('too_many_attempts');
      expect(Number(limited.headers.get('retry-after'))).to.be.above(0);
    });
  });

  describe(`closed sign-up (${dialect.name})`, function () {
    this.timeout(60_000);
    let registry: TestRegistry;

    before(async () => {
      registry = await startTestRegistry(dialect, { CAIRN_REGISTRY_OPEN_SIGNUP: 'false' });
    });
    after(() => registry.stop());

    it('creates publishers only with the admin token', async () => {
      const anyone = await registry.request('/api/publishers', { json: account('acme') });
      expect(anyone.status).to.equal(403);
      expect((await errorOf(anyone)).code).to.equal('signup_closed');
      const wrong = await registry.request('/api/publishers', {
        json: account('acme'),
        bearer: 'not-the-token',
      });
      expect(wrong.status).to.equal(403);
      const operator = await registry.request('/api/publishers', {
        json: account('acme'),
        bearer: TEST_ADMIN_TOKEN,
      });
      expect(operator.status).to.equal(201);
    });
  });

  describe(`API tokens (${dialect.name})`, function () {
    this.timeout(60_000);
    let registry: TestRegistry;

    before(async () => {
      registry = await startTestRegistry(dialect);
    });
    after(() => registry.stop());

    it('shows a new token once, lists it without the secret, and refuses it once revoked', async () => {
      const acme = await registry.publisher('acme');
      const created = await registry.request('/api/tokens', { json: { name: 'ci' }, bearer: acme.token });
      expect(created.status).to.equal(201);
      const { id, token, prefix } = (await created.json()) as { id: string; token: string; prefix: string };
      expect(token.startsWith(prefix)).to.equal(true);

      const list = (await (await registry.request('/api/tokens', { bearer: token })).json()) as {
        items: Record<string, unknown>[];
      };
      expect(list.items.map((item) => item.name)).to.include('ci');
      expect(JSON.stringify(list)).not.to.contain(token);

      await release(registry, acme, '@acme/ci-built', '1.0.0');
      const revoke = await registry.request(`/api/tokens/${id}`, { method: 'DELETE', bearer: acme.token });
      expect(revoke.status).to.equal(204);

      const tarball = await tarballOf(manifest('@acme/ci-built', '1.0.1'));
      const publish = await registry.publish({ ...acme, token }, '@acme/ci-built', '1.0.1', tarball);
      expect(publish.status).to.equal(401);
      expect((await errorOf(publish)).code).to.equal('unauthorized');
      const me = await registry.request('/api/auth/me', { bearer: token });
      expect(me.status).to.equal(401);
    });

    it("cannot revoke another publisher's token", async () => {
      const globex = await registry.publisher('globex');
      const initech = await registry.publisher('initech');
      const tokens = (await (await registry.request('/api/tokens', { bearer: globex.token })).json()) as {
        items: { id: string }[];
      };
      const response = await registry.request(`/api/tokens/${tokens.items[0]!.id}`, {
        method: 'DELETE',
        bearer: initech.token,
      });
      expect(response.status).to.equal(404);
      expect((await registry.request('/api/auth/me', { bearer: globex.token })).status).to.equal(200);
    });
  });

  describe(`signing keys (${dialect.name})`, function () {
    this.timeout(60_000);
    let registry: TestRegistry;

    before(async () => {
      registry = await startTestRegistry(dialect);
    });
    after(() => registry.stop());

    it('registers a key under its id and shows the active keys on the public profile', async () => {
      const acme = await registry.publisher('acme');
      const second = generateSigningKey();
      const added = await registry.request('/api/keys', {
        json: { publicKey: second.publicKey, name: 'laptop' },
        bearer: acme.token,
      });
      expect(added.status).to.equal(201);
      expect(await added.json()).to.include({
        keyId: second.keyId,
        publicKey: second.publicKey,
        name: 'laptop',
      });

      await registry.request(`/api/keys/${acme.key.keyId}`, { method: 'DELETE', bearer: acme.token });
      const own = (await (await registry.request('/api/keys', { bearer: acme.token })).json()) as {
        items: { keyId: string; revokedAt: string | null }[];
      };
      expect(own.items.map((key) => [key.keyId, key.revokedAt === null])).to.have.deep.members([
        [acme.key.keyId, false],
        [second.keyId, true],
      ]);

      await release(registry, { ...acme, key: second }, '@acme/keyed', '1.0.0');
      const profile = (await (await registry.request('/api/publishers/acme')).json()) as {
        name: string;
        keys: { keyId: string; publicKey: string; revokedAt: string | null }[];
        packages: string[];
      };
      expect(profile.name).to.equal('acme');
      expect(profile.keys.map((key) => key.keyId)).to.deep.equal([second.keyId]);
      expect(profile.packages).to.deep.equal(['@acme/keyed']);
      expect(JSON.stringify(profile)).not.to.contain('@example.com');
    });

    it('refuses what is not an ed25519 key, a key registered twice, a revoked key and a key of another publisher', async () => {
      const globex = await registry.publisher('globex');
      const initech = await registry.publisher('initech');
      const notBase64 = await registry.request('/api/keys', {
        json: { publicKey: 'not-a-key' },
        bearer: globex.token,
      });
      expect(notBase64.status).to.equal(422);
      expect(await errorOf(notBase64)).to.include({ code: 'validation_failed', path: 'publicKey' });
      // 43 characters with the two padding bits set: not how 32 bytes are written in base64url.
      const nonCanonical = `${'A'.repeat(42)}B`;
      const garbage = await registry.request('/api/keys', {
        json: { publicKey: nonCanonical },
        bearer: globex.token,
      });
      expect(garbage.status).to.equal(422);
      expect(await errorOf(garbage)).to.include({ code: 'invalid_public_key', path: 'publicKey' });

      const again = await registry.request('/api/keys', {
        json: { publicKey: globex.key.publicKey },
        bearer: globex.token,
      });
      expect(again.status).to.equal(409);
      expect((await errorOf(again)).code).to.equal('key_exists');

      const foreign = await registry.request('/api/keys', {
        json: { publicKey: globex.key.publicKey },
        bearer: initech.token,
      });
      expect(foreign.status).to.equal(409);
      expect((await errorOf(foreign)).code).to.equal('key_taken');

      await registry.request(`/api/keys/${globex.key.keyId}`, { method: 'DELETE', bearer: globex.token });
      const revived = await registry.request('/api/keys', {
        json: { publicKey: globex.key.publicKey },
        bearer: globex.token,
      });
      expect(revived.status).to.equal(409);
      expect((await errorOf(revived)).code).to.equal('key_revoked');

      const notMine = await registry.request(`/api/keys/${initech.key.keyId}`, {
        method: 'DELETE',
        bearer: globex.token,
      });
      expect(notMine.status).to.equal(404);
    });
  });
}
