import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { ResourceSchema } from '../storage/config-entities.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { SecretBox } from './secret-box.js';

describe('secret box', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, with a fresh IV each time', () => {
    const a = box.seal('hunter2');
    const b = box.seal('hunter2');
    expect(a).to.not.equal(b);
    expect(a).to.not.contain('hunter2');
    expect(box.open(a)).to.equal('hunter2');
  });

  it('refuses altered data and a different key', () => {
    const sealed = box.seal('hunter2');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('hunter3').toString('base64url');
    expect(() => box.open(parts.join('.'))).to.throw(/altered/);
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).to.throw(/wrong key/);
  });
});

const [sqlite] = testDialects();

describe('resources API', function () {
  this.timeout(30_000);
  let server: TestServer;
  let smtp: SMTPServer;
  let smtpPort: number;
  let http: ReturnType<typeof createServer>;
  let httpBase: string;
  const seen: IncomingMessage[] = [];

  before(async () => {
    smtp = new SMTPServer({
      authOptional: false,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === 's3cret-pass') callback(null, { user: 'mailer' });
        else callback(new Error('Invalid username or password'));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    http = createServer((request, response) => {
      seen.push(request);
      const ok =
        request.headers.authorization === `Basic ${Buffer.from('AC123:tw-token').toString('base64')}` ||
        request.headers.authorization === 'Bearer sk-test';
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    server = await startTestServer(sqlite!);
  });
  after(async () => {
    await server.stop();
    smtp.close();
    http.close();
  });

  async function api(path: string, init: { method?: string; json?: unknown } = {}) {
    const response = await server.request(`/api/resources${path}`, { admin: true, ...init });
    return { status: response.status, body: (await response.json().catch(() => null)) as any };
  }

  const smtpResource = (password?: string) => ({
    type: 'smtp',
    name: 'Mail relay',
    production: {
      config: { host: '127.0.0.1', port: smtpPort, username: 'mailer', from: 'shop@example.com' },
      ...(password === undefined ? {} : { secrets: { password } }),
    },
  });

  it('stores secrets sealed, and never returns them', async () => {
    const created = await api('', { json: smtpResource('s3cret-pass') });
    expect(created.status).to.equal(201);
    expect(created.body.production.secrets).to.deep.equal({ password: '********' });
    expect(JSON.stringify(created.body)).to.not.contain('s3cret-pass');
    expect(created.body.test).to.equal(null);
    const row = await server.db.em().findOneOrFail(ResourceSchema, { id: created.body.id });
    expect(row.productionSecrets).to.not.contain('s3cret-pass');
    const listed = await api('');
    expect(JSON.stringify(listed.body)).to.not.contain('s3cret-pass');
  });

  it('tests an SMTP login against a real server, and keeps a secret the update leaves out', async () => {
    const { body } = await api('', { json: smtpResource('s3cret-pass') });
    const good = await api(`/${body.id}/test`, { method: 'POST', json: {} });
    expect(good.body).to.include({ ok: true });
    const renamed = await api(`/${body.id}`, { method: 'PUT', json: { ...smtpResource(), name: 'Relay 2' } });
    expect(renamed.status).to.equal(200);
    expect((await api(`/${body.id}/test`, { method: 'POST', json: {} })).body.ok, 'password kept').to.equal(
      true,
    );
    await api(`/${body.id}`, { method: 'PUT', json: smtpResource('wrong') });
    const bad = await api(`/${body.id}/test`, { method: 'POST', json: {} });
    expect(bad.body.ok).to.equal(false);
    expect(bad.body.message).to.match(/Invalid username or password|auth/i);
  });

  it('tests Twilio and AI-provider credentials with their authentication headers', async () => {
    const twilio = await api('', {
      json: {
        type: 'twilio',
        name: 'SMS',
        production: {
          config: { accountSid: 'AC123', baseUrl: httpBase },
          secrets: { authToken: 'tw-token' },
        },
      },
    });
    expect((await api(`/${twilio.body.id}/test`, { method: 'POST', json: {} })).body.ok).to.equal(true);
    expect(seen.at(-1)!.url).to.equal('/2010-04-01/Accounts/AC123.json');
    const ai = await api('', {
      json: {
        type: 'ai-provider',
        name: 'LLM',
        production: { config: { baseUrl: `${httpBase}/v1`, model: 'small' }, secrets: { apiKey: 'sk-live' } },
        test: { config: { baseUrl: `${httpBase}/v1`, model: 'small' }, secrets: { apiKey: 'sk-test' } },
      },
    });
    expect(
      (await api(`/${ai.body.id}/test`, { method: 'POST', json: { set: 'production' } })).body.ok,
    ).to.equal(false);
    expect((await api(`/${ai.body.id}/test`, { method: 'POST', json: { set: 'test' } })).body.ok).to.equal(
      true,
    );
    expect(seen.at(-1)!.url).to.equal('/v1/models');
  });

  it('refuses to fall back to production when a test set is asked for and missing', async () => {
    const { body } = await api('', { json: smtpResource('s3cret-pass') });
    const result = await api(`/${body.id}/test`, { method: 'POST', json: { set: 'test' } });
    expect(result.status).to.equal(422);
    expect(result.body.error.code).to.equal('no_test_credentials');
  });

  it('validates config and secrets per type, naming the field', async () => {
    const cases: [unknown, string][] = [
      [
        { ...smtpResource('x'), production: { config: { host: 'h', port: 'twenty-five' } } },
        'production.config.port',
      ],
      [
        { type: 'twilio', name: 't', production: { config: { accountSid: 'AC1' }, secrets: {} } },
        'production.secrets.authToken',
      ],
      [{ type: 'fax', name: 'f', production: { config: {} } }, 'type'],
      [
        {
          type: 'http-auth',
          name: 'h',
          production: { config: { scheme: 'magic' }, secrets: { value: 'v' } },
        },
        'production.config.scheme',
      ],
    ];
    for (const [json, path] of cases) {
      const { status, body } = await api('', { json });
      expect(status, path).to.equal(422);
      expect(body.error.path, JSON.stringify(body)).to.equal(path);
    }
    const { body } = await api('', { json: smtpResource('x') });
    const retyped = await api(`/${body.id}`, {
      method: 'PUT',
      json: { ...smtpResource('x'), type: 'twilio' },
    });
    expect(retyped.status).to.equal(422);
  });
});
