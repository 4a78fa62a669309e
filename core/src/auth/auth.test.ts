import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { pino } from 'pino';
import { errorHandler } from '../http/errors.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../test-support/server.js';
import { Credentials } from './credentials.js';
import { authGuard } from './guard.js';
import { type Permission, permissionsOf, ROLES, ROUTE_PERMISSIONS, type Role } from './permissions.js';

const PASSWORD = 'correct horse battery staple';

async function createUser(server: TestServer, email: string, roles: Role[], extra: object = {}) {
  const response = await server.request('/api/users', {
    admin: true,
    json: { email, name: email, roles, password: PASSWORD, ...extra },
  });
  expect(response.status, await response.clone().text()).to.equal(201);
  return (await response.json()) as { id: string; permissions: Permission[] };
}

const [sqlite] = testDialects();

describe('every role against every admin route', function () {
  this.timeout(60_000);
  let server: TestServer;
  const tokens = new Map<Role, string>();

  before(async () => {
    server = await startTestServer(sqlite!);
    for (const role of ROLES) {
      await createUser(server, `${role}@example.com`, [role]);
      tokens.set(role, await server.login(`${role}@example.com`, PASSWORD));
    }
  });
  after(() => server.stop());

  // Own-account routes that would end the caller's session are covered by the session tests.
  const table = ROUTE_PERMISSIONS.filter((r) => r.path !== '/api/auth/logout');

  for (const role of ROLES) {
    it(`${role}: allowed where the permission table says, 403 elsewhere, 401 without a credential`, async () => {
      const granted = permissionsOf([role]);
      const outcomes: string[] = [];
      for (const route of table) {
        const path = route.path.replace(/:[A-Za-z]+/g, 'no-such-id');
        const init = {
          method: route.method,
          bearer: tokens.get(role)!,
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { json: {} }),
        };
        const response = await server.request(path, init);
        const allowed = route.permission === null || granted.has(route.permission);
        const got =
          response.status === 403 ? 'forbidden' : response.status === 401 ? 'unauthenticated' : 'allowed';
        if (got !== (allowed ? 'allowed' : 'forbidden'))
          outcomes.push(`${route.method} ${route.path} → ${response.status}`);
        if (!allowed) {
          const body = (await response.json()) as { error: { code: string; message: string } };
          expect(body.error.code).to.equal('forbidden');
          expect(body.error.message).to.contain(route.permission!);
        }
        const anonymous = await server.request(path, { ...init, bearer: undefined });
        if (anonymous.status !== 401)
          outcomes.push(`anonymous ${route.method} ${route.path} → ${anonymous.status}`);
      }
      expect(outcomes).to.deep.equal([]);
    });
  }

  it('the table matches the documented intent of each role', () => {
    const can = (role: Role, permission: Permission) => permissionsOf([role]).has(permission);
    expect(can('marketer', 'flows:write') && can('marketer', 'rules:write')).to.equal(true);
    expect(can('marketer', 'resources:write') || can('marketer', 'users:read')).to.equal(false);
    expect([...permissionsOf(['maintainer'])].every((p) => p.endsWith(':read'))).to.equal(true);
    expect(can('developer', 'users:write') || can('developer', 'audit:read')).to.equal(false);
    expect(can('admin', 'audit:read') && can('admin', 'profiles:erase')).to.equal(true);
  });

  it('refuses a mounted /api route that is not in the permission table, even to the machine token', async () => {
    // A router with a route someone forgot to list: the guard must stop it before the handler runs.
    let reached = false;
    const router = new Router();
    router.get('/api/forgotten', (ctx) => {
      reached = true;
      ctx.body = { secret: true };
    });
    const app = new Koa()
      .use(errorHandler(pino({ level: 'silent' })))
      .use(authGuard(new Credentials(server.db, 'machine-token-0123456789', 1)))
      .use(router.routes());
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    try {
      const { port } = listening.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/api/forgotten`, {
        headers: { authorization: 'Bearer machine-token-0123456789' },
      });
      expect(response.status).to.equal(404);
      expect(reached).to.equal(false);
      const listed = await fetch(`http://127.0.0.1:${port}/api/sources`, {
        headers: { authorization: 'Bearer machine-token-0123456789' },
      });
      // A listed route passes the guard (and, mounted nowhere here, is then not found by Koa).
      expect(listed.status).to.equal(404);
      expect(((await listed.json()) as { error: { message: string } }).error.message).to.contain(
        'No route for GET',
      );
    } finally {
      listening.close();
    }
  });
});

for (const dialect of testDialects()) {
  describe(`sessions and API tokens on ${dialect.name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect, { CAIRN_LOGIN_ATTEMPTS: '3' });
    });
    after(() => server.stop());

    async function cookieLogin(email: string, password: string) {
      const response = await server.request('/api/auth/login', { json: { email, password } });
      expect(response.status).to.equal(200);
      const setCookie = response.headers.get('set-cookie') ?? '';
      const body = (await response.json()) as { csrfToken: string; token?: string };
      return { setCookie, cookie: setCookie.split(';')[0]!, csrf: body.csrfToken, body };
    }

    it('signs in with a cookie that is httpOnly and SameSite, and never returns the session token', async () => {
      const { setCookie, cookie, csrf, body } = await cookieLogin(TEST_ADMIN.email, TEST_ADMIN.password);
      expect(setCookie).to.match(/^cairn_session=cs_/);
      expect(setCookie.toLowerCase()).to.contain('httponly').and.contain('samesite=strict');
      expect(body.token).to.equal(undefined);
      expect(csrf).to.be.a('string').with.length.greaterThan(20);
      const me = await server.request('/api/auth/me', { headers: { cookie } });
      expect(me.status).to.equal(200);
      const whoami = (await me.json()) as {
        user: { email: string };
        csrfToken: string;
        permissions: string[];
      };
      expect(whoami.user.email).to.equal(TEST_ADMIN.email);
      expect(whoami.csrfToken).to.equal(csrf);
      expect(whoami.permissions).to.include('users:write');
    });

    it('refuses a cookie-authenticated write without the CSRF token, and accepts it with the token', async () => {
      const { cookie, csrf } = await cookieLogin(TEST_ADMIN.email, TEST_ADMIN.password);
      const source = { id: 'csrf-test', name: 'CSRF', type: 'rest' };
      const without = await server.request('/api/sources', { json: source, headers: { cookie } });
      expect(without.status).to.equal(403);
      expect(((await without.json()) as any).error.code).to.equal('csrf_failed');
      const wrong = await server.request('/api/sources', {
        json: source,
        headers: { cookie, 'x-csrf-token': `${csrf}x` },
      });
      expect(wrong.status).to.equal(403);
      expect((await server.request('/api/sources/csrf-test', { admin: true })).status).to.equal(404);
      const withToken = await server.request('/api/sources', {
        json: source,
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(withToken.status).to.equal(201);
    });

    it('tells a page whether it is signed in without a refused request', async () => {
      const anonymous = await server.request('/api/auth/session');
      expect(anonymous.status).to.equal(200);
      expect(await anonymous.json()).to.deep.equal({ user: null, kind: null, permissions: [] });
      const { cookie, csrf } = await cookieLogin(TEST_ADMIN.email, TEST_ADMIN.password);
      const signedIn = (await (
        await server.request('/api/auth/session', { headers: { cookie } })
      ).json()) as any;
      expect(signedIn.user.email).to.equal(TEST_ADMIN.email);
      expect(signedIn.csrfToken).to.equal(csrf);
    });

    it('signs out: the session stops working', async () => {
      const { cookie, csrf } = await cookieLogin(TEST_ADMIN.email, TEST_ADMIN.password);
      const out = await server.request('/api/auth/logout', {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(out.status).to.equal(204);
      expect((await server.request('/api/auth/me', { headers: { cookie } })).status).to.equal(401);
      const audit = (await (await server.request('/api/audit?objectType=user', { admin: true })).json()) as {
        items: { action: string; actor: string }[];
      };
      expect(audit.items[0]).to.include({ action: 'logout', actor: TEST_ADMIN.email });
    });

    it('answers 401 for a wrong password, an unknown account and a garbage token', async () => {
      await createUser(server, 'dev@example.com', ['developer']);
      const wrong = await server.request('/api/auth/login', {
        json: { email: 'dev@example.com', password: 'nope' },
      });
      expect(wrong.status).to.equal(401);
      expect(((await wrong.json()) as any).error.code).to.equal('invalid_credentials');
      const unknown = await server.request('/api/auth/login', {
        json: { email: 'ghost@example.com', password: 'nope' },
      });
      expect(unknown.status).to.equal(401);
      const garbage = await server.request('/api/sources', { bearer: 'ct_not-a-real-token' });
      expect(garbage.status).to.equal(401);
      expect(garbage.headers.get('www-authenticate')).to.contain('Bearer');
      const audit = await server.request('/api/audit?objectType=user&objectId=dev%40example.com', {
        admin: true,
      });
      const entries = ((await audit.json()) as { items: { action: string; actor: string }[] }).items;
      expect(entries.map((e) => e.action)).to.deep.equal(['login-failed']);
    });

    it('rate-limits failed sign-ins per account and address, even with the right password after', async () => {
      await createUser(server, 'target@example.com', ['marketer']);
      for (let i = 0; i < 3; i++) {
        const attempt = await server.request('/api/auth/login', {
          json: { email: 'target@example.com', password: `guess-${i}` },
        });
        expect(attempt.status).to.equal(401);
      }
      const limited = await server.request('/api/auth/login', {
        json: { email: 'target@example.com', password: PASSWORD },
      });
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers.get('retry-after'))).to.be.greaterThan(0);
      expect(((await limited.json()) as any).error.code).to.equal('too_many_attempts');
      // Another account from the same address is not locked out by it.
      expect(await server.login(TEST_ADMIN.email, TEST_ADMIN.password)).to.match(/^cs_/);
    });

    it('API tokens: scoped to a subset of the owner’s permissions, listed without the secret, revocable', async () => {
      await createUser(server, 'bot-owner@example.com', ['developer']);
      const session = await server.login('bot-owner@example.com', PASSWORD);
      const tooMuch = await server.request('/api/tokens', {
        bearer: session,
        json: { name: 'bad', permissions: ['sources:read', 'users:write'] },
      });
      expect(tooMuch.status).to.equal(422);
      expect(((await tooMuch.json()) as any).error.path).to.equal('permissions[1]');

      const created = await server.request('/api/tokens', {
        bearer: session,
        json: { name: 'exporter', permissions: ['sources:read'] },
      });
      expect(created.status).to.equal(201);
      const { id, token } = (await created.json()) as { id: string; token: string };
      expect(token).to.match(/^ct_/);
      expect((await server.request('/api/sources', { bearer: token })).status).to.equal(200);
      const write = await server.request('/api/sources', {
        bearer: token,
        json: { name: 'x', type: 'rest' },
      });
      expect(write.status).to.equal(403);

      const listed = await server.request('/api/tokens', { bearer: session });
      const items = ((await listed.json()) as { items: object[] }).items;
      expect(items).to.have.length(1);
      expect(JSON.stringify(items)).not.to.contain(token);

      expect(
        (await server.request(`/api/tokens/${id}`, { bearer: session, method: 'DELETE' })).status,
      ).to.equal(204);
      expect((await server.request('/api/sources', { bearer: token })).status).to.equal(401);
    });

    it('disabling an account ends its sessions and stops its tokens; the last admin cannot be removed', async () => {
      const user = await createUser(server, 'leaver@example.com', ['developer']);
      const session = await server.login('leaver@example.com', PASSWORD);
      const created = await server.request('/api/tokens', { bearer: session, json: { name: 'ci' } });
      const { token } = (await created.json()) as { token: string };
      const disable = await server.request(`/api/users/${user.id}`, {
        admin: true,
        method: 'PUT',
        json: { email: 'leaver@example.com', name: 'Leaver', roles: ['developer'], enabled: false },
      });
      expect(disable.status).to.equal(200);
      expect((await server.request('/api/sources', { bearer: session })).status).to.equal(401);
      expect((await server.request('/api/sources', { bearer: token })).status).to.equal(401);

      const users = (
        (await (await server.request('/api/users', { admin: true })).json()) as {
          items: { id: string; email: string }[];
        }
      ).items;
      const admin = users.find((u) => u.email === TEST_ADMIN.email)!;
      const removeLast = await server.request(`/api/users/${admin.id}`, { admin: true, method: 'DELETE' });
      expect(removeLast.status).to.equal(409);
      expect(((await removeLast.json()) as any).error.code).to.equal('last_admin');
    });

    it('an expired account cannot sign in', async () => {
      await createUser(server, 'temp@example.com', ['maintainer'], { expiresAt: '2020-01-01T00:00:00Z' });
      const login = await server.request('/api/auth/login', {
        json: { email: 'temp@example.com', password: PASSWORD },
      });
      expect(login.status).to.equal(401);
    });

    it('validates user input and names the field', async () => {
      const bad = await server.request('/api/users', {
        admin: true,
        json: { email: 'not-an-email', name: 'x', roles: ['admin'], password: PASSWORD },
      });
      expect(bad.status).to.equal(422);
      expect(((await bad.json()) as any).error.path).to.equal('email');
      const short = await server.request('/api/users', {
        admin: true,
        json: { email: 'a@example.com', name: 'x', roles: ['admin'], password: 'short' },
      });
      expect(((await short.json()) as any).error.path).to.equal('password');
      expect(
        ((await (await server.request('/api/users', { admin: true })).json()) as any).items.map(
          (u: any) => u.email,
        ),
      ).not.to.include('a@example.com');
    });

    it('changes one’s own password after checking the current one, and signs out everywhere', async () => {
      await createUser(server, 'self@example.com', ['marketer']);
      const session = await server.login('self@example.com', PASSWORD);
      const wrong = await server.request('/api/auth/password', {
        bearer: session,
        json: { currentPassword: 'wrong', newPassword: 'another long password' },
      });
      expect(wrong.status).to.equal(422);
      const ok = await server.request('/api/auth/password', {
        bearer: session,
        json: { currentPassword: PASSWORD, newPassword: 'another long password' },
      });
      expect(ok.status).to.equal(204);
      expect((await server.request('/api/auth/me', { bearer: session })).status).to.equal(401);
      expect(await server.login('self@example.com', 'another long password')).to.match(/^cs_/);
    });
  });
}
