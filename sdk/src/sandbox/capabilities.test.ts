import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { buildFixture } from '../fixtures/build-fixture.js';
import { runNode, type SandboxError } from '../testing/index.js';

describe('resources, e-mail and consents in the sandbox', function () {
  this.timeout(30_000);
  let plugin: string;
  let smtp: SMTPServer;
  let smtpPort: number;
  let api: ReturnType<typeof createServer>;
  let apiUrl: string;
  const mails: { user: unknown; to: string[]; data: string }[] = [];
  const calls: IncomingHttpHeaders[] = [];

  before(async () => {
    plugin = (await buildFixture('capabilities-plugin')).outDir;
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      onAuth: (auth, _s, done) =>
        auth.password === 'mail-pw' ? done(null, { user: auth.username }) : done(new Error('bad login')),
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (chunk: Buffer) => {
          data += chunk;
        });
        stream.on('end', () => {
          mails.push({ user: session.user, to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    api = createServer((request, response) => {
      calls.push(request.headers);
      response.writeHead(200).end('pong');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/ping`;
  });
  after(() => {
    smtp.close();
    api.close();
  });

  const resources = () => ({
    relay: {
      type: 'smtp',
      config: { host: '127.0.0.1', port: smtpPort, username: 'mailer', from: 'shop@example.com' },
      secrets: { password: 'mail-pw' },
    },
    token: {
      type: 'http-auth',
      config: { scheme: 'bearer', testUrl: apiUrl },
      secrets: { value: 'tok-123' },
    },
  });

  it('sends e-mail through an smtp resource: the host logs in, the node gets the receipt', async () => {
    const result = await runNode({
      plugin,
      node: 'mail',
      config: { server: 'relay', to: 'ann@example.com' },
      resources: resources(),
    });
    expect(result.emissions).to.deep.equal([{ port: 'sent', payload: { accepted: ['ann@example.com'] } }]);
    expect(mails.at(-1)).to.include({ user: 'mailer' });
    expect(mails.at(-1)!.data).to.contain('Subject: Hello');
  });

  it('adds the credential on the host, over the headers the node set, and reaches the resource host', async () => {
    const result = await runNode({
      plugin,
      node: 'call',
      config: { auth: 'token', url: apiUrl },
      resources: resources(),
      http: { allow: ['127.0.0.1'] },
    });
    expect(result.emissions[0]!.payload).to.deep.equal({ status: 200, body: 'pong' });
    expect(calls.at(-1)!.authorization).to.equal('Bearer tok-123');
    expect(calls.at(-1)!['x-from-node']).to.equal('yes');
  });

  it('refuses a resource type the node did not declare, and a resource that does not exist', async () => {
    for (const [node, auth] of [
      ['call-undeclared', 'token'],
      ['call', 'nope'],
    ] as const) {
      const count = calls.length;
      await runNode({
        plugin,
        node,
        config: { auth, url: apiUrl },
        resources: resources(),
        http: { allow: ['127.0.0.1'] },
      }).then(
        () => expect.fail('the call went through'),
        (error: SandboxError) =>
          expect(error.message).to.match(/declares no use of http-auth|does not exist/),
      );
      expect(calls.length).to.equal(count);
    }
  });

  it('signs the body on the host, retries 503 with backoff, and gives up after the attempts', async () => {
    const seen: { signature: unknown; body: string }[] = [];
    let failures = 2;
    const flaky = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push({ signature: request.headers['x-cairn-signature'], body });
        if (failures-- > 0) response.writeHead(503).end();
        else response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`;
    const options = {
      plugin,
      node: 'post',
      config: { key: 'signer', url },
      resources: {
        signer: {
          type: 'http-auth',
          config: { scheme: 'header', header: 'x-unused' },
          secrets: { value: 'sig-secret' },
        },
      },
      http: { allow: ['127.0.0.1'] },
    };
    try {
      const result = await runNode(options);
      expect(result.emissions[0]!.payload).to.deep.equal({ status: 200 });
      expect(seen).to.have.length(3);
      const expected = `sha256=${createHmac('sha256', 'sig-secret').update('{"hello":"world"}').digest('hex')}`;
      expect(seen.every((s) => s.signature === expected && s.body === '{"hello":"world"}')).to.equal(true);
      failures = 10;
      const gaveUp = await runNode(options);
      expect(gaveUp.emissions[0]!.payload, '3 retries, then the last answer').to.deep.equal({ status: 503 });
      expect(seen).to.have.length(3 + 4);
    } finally {
      flaky.close();
    }
  });

  it('refuses a private address even for a node allowed any host', async () => {
    await runNode({
      plugin,
      node: 'post',
      config: { key: 'token', url: apiUrl },
      resources: resources(),
    }).then(
      () => expect.fail('reached a loopback address'),
      (error: SandboxError) => expect(error.message).to.match(/loopback/),
    );
  });

  it('shows public resource settings without secrets, and answers consents.has from the profile', async () => {
    const result = await runNode({
      plugin,
      node: 'inspect',
      config: { auth: 'token' },
      resources: resources(),
      profile: { id: 'p1', consents: { 'marketing-email': { revoke: null } } },
    });
    const payload = result.emissions[0]!.payload as Record<string, unknown>;
    expect(payload).to.deep.include({ email: true, sms: false, missing: true });
    expect(payload.resource).to.deep.equal({
      id: 'token',
      type: 'http-auth',
      name: 'token',
      config: { scheme: 'bearer', testUrl: apiUrl },
    });
    expect(JSON.stringify(result)).to.not.contain('tok-123');
  });
});
