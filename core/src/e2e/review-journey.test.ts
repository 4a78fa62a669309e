import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

/**
 * The journey the connector plugins exist for, with the built-in plugins, real protocol peers on
 * loopback, and nothing but HTTP from the test: a review arrives; its sentiment is scored; a
 * negative review from a customer who consented to texts gets an apology SMS; every review goes
 * to the helpdesk webhook; consenting customers get a thank-you e-mail.
 */

const node = (id: string, plugin: string, name: string, config: Record<string, unknown>) => ({
  id,
  type: 'cairn',
  position: { x: 0, y: 0 },
  data: { plugin: `@cairn/plugin-${plugin}`, version: '0.1.0', node: name, config },
});
const edge = (source: string, port: string, target: string) => ({
  id: `${source}-${port}-${target}`,
  source,
  sourceHandle: port,
  target,
  targetHandle: 'in',
});

interface Received {
  sms: { to: string | null; from: string | null; body: string | null; auth: string | undefined }[];
  mail: { to: string[]; user: unknown; data: string }[];
  hooks: { headers: IncomingHttpHeaders; body: string }[];
}

for (const dialect of testDialects()) {
  describe(`review journey with connector plugins on ${dialect.name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    const got: Received = { sms: [], mail: [], hooks: [] };
    const peers: { close(): void }[] = [];

    /** Starts a peer on a loopback port and returns the port. */
    async function portOf(
      listen: (ready: () => void) => void,
      address: () => AddressInfo | string | null,
    ): Promise<number> {
      await new Promise<void>((resolve) => listen(resolve));
      return (address() as AddressInfo).port;
    }

    async function api(path: string, json?: unknown, method = json === undefined ? 'GET' : 'POST') {
      const response = await server.request(path, {
        admin: true,
        method,
        ...(json === undefined ? {} : { json }),
      });
      const body = (await response.json().catch(() => null)) as any;
      expect(response.status, `${method} ${path}: ${JSON.stringify(body)}`).to.be.below(300);
      return body;
    }

    async function deploy(eventType: string, nodes: unknown[], edges: unknown[]) {
      const flow = await api('/api/flows', { name: eventType, draft: { nodes, edges } });
      expect(flow.validation.errors, eventType).to.deep.equal([]);
      await api(`/api/flows/${flow.id}/deploy`, {});
      await api('/api/rules', { name: eventType, eventType, flowId: flow.id });
    }

    async function track(events: unknown[], profile?: { id: string }) {
      const response = await server.request('/track', {
        json: { source: { id: 'shop' }, ...(profile ? { profile } : {}), events },
      });
      expect(response.status).to.equal(200);
      return (await response.json()) as any;
    }

    let smsPort = 0;
    let smtpPort = 0;
    let hookPort = 0;

    before(async () => {
      const sms = createServer((request, response) => {
        let body = '';
        request.on('data', (c) => {
          body += c;
        });
        request.on('end', () => {
          const form = new URLSearchParams(body);
          got.sms.push({
            to: form.get('To'),
            from: form.get('From'),
            body: form.get('Body'),
            auth: request.headers.authorization,
          });
          response
            .writeHead(201, { 'content-type': 'application/json' })
            .end(JSON.stringify({ sid: `SM${got.sms.length}`, status: 'queued' }));
        });
      });
      smsPort = await portOf(
        (ready) => sms.listen(0, '127.0.0.1', ready),
        () => sms.address(),
      );
      const smtp = new SMTPServer({
        disabledCommands: ['STARTTLS'],
        onAuth: (auth, _s, done) =>
          auth.password === 'mail-pw' ? done(null, { user: auth.username }) : done(new Error('bad login')),
        onData(stream, session, done) {
          let data = '';
          stream.on('data', (c: Buffer) => {
            data += c;
          });
          stream.on('end', () => {
            got.mail.push({ to: session.envelope.rcptTo.map((r) => r.address), user: session.user, data });
            done();
          });
        },
      });
      smtpPort = await portOf(
        (ready) => smtp.listen(0, '127.0.0.1', ready),
        () => smtp.server.address(),
      );
      const hooks = createServer((request, response) => {
        let body = '';
        request.on('data', (c) => {
          body += c;
        });
        request.on('end', () => {
          got.hooks.push({ headers: request.headers, body });
          response.writeHead(202, { 'content-type': 'application/json' }).end('{"ticket":"T-1"}');
        });
      });
      hookPort = await portOf(
        (ready) => hooks.listen(0, '127.0.0.1', ready),
        () => hooks.address(),
      );
      peers.push(sms, smtp, hooks);

      server = await startTestServer(dialect, { CAIRN_HTTP_ALLOW: '127.0.0.1' });
      await api('/api/sources', { id: 'shop', name: 'Shop', type: 'rest' });
      for (const id of ['sms', 'marketing-email']) await api('/api/consents', { id, name: id });
      const twilio = await api('/api/resources', {
        type: 'twilio',
        name: 'SMS',
        production: {
          config: { accountSid: 'AC42', from: '+15005550006', baseUrl: `http://127.0.0.1:${smsPort}` },
          secrets: { authToken: 'tw-secret' },
        },
      });
      const relay = await api('/api/resources', {
        type: 'smtp',
        name: 'Mail',
        production: {
          config: { host: '127.0.0.1', port: smtpPort, username: 'shop', from: 'shop@example.com' },
          secrets: { password: 'mail-pw' },
        },
      });
      const signing = await api('/api/resources', {
        type: 'http-auth',
        name: 'Helpdesk signing key',
        production: { config: { scheme: 'header', header: 'x-unused' }, secrets: { value: 'hook-secret' } },
      });

      await deploy(
        'identify',
        [
          node('start', 'logic', 'start', {}),
          node('email', 'logic', 'set', {
            path: 'profile@data.contact.email.main',
            value: 'event@properties.email',
          }),
          node('phone', 'logic', 'set', {
            path: 'profile@data.contact.phone.mobile',
            value: 'event@properties.phone',
          }),
        ],
        [edge('start', 'out', 'email'), edge('email', 'out', 'phone')],
      );
      await deploy(
        'review-submitted',
        [
          node('start', 'logic', 'start', {}),
          node('mood', 'sentiment', 'score-sentiment', {
            provider: 'local',
            text: 'event@properties.text',
            saveTo: 'profile@traits.last_sentiment',
          }),
          node('apology', 'sms', 'send-sms', {
            account: twilio.id,
            message: 'We are sorry about your experience. Use code SORRY10.',
          }),
          node('helpdesk', 'webhook', 'call-webhook', {
            method: 'POST',
            url: `http://127.0.0.1:${hookPort}/tickets`,
            body: {
              review: 'event@properties.text',
              rating: 'event@properties.rating',
              customer: 'profile@id',
            },
            signature: signing.id,
            retries: 0,
          }),
          node('thanks', 'email', 'send-email', {
            server: relay.id,
            subject: 'Thank you for your review',
            text: 'Thanks for telling us: {{event@properties.text}}',
          }),
        ],
        [
          edge('start', 'out', 'mood'),
          edge('mood', 'negative', 'apology'),
          edge('start', 'out', 'helpdesk'),
          edge('start', 'out', 'thanks'),
        ],
      );
    });
    after(async () => {
      await server.stop();
      for (const peer of peers) peer.close();
    });

    async function customer(email: string, phone: string, consents: Record<string, boolean>) {
      const identified = await track([{ type: 'identify', properties: { email, phone } }]);
      expect(identified.errors).to.deep.equal([]);
      if (Object.keys(consents).length) {
        const response = await server.request('/customer/consent', {
          json: { source: { id: 'shop' }, profile: identified.profile, consents },
        });
        expect(response.status).to.equal(200);
      }
      return identified.profile as { id: string };
    }

    it('texts an apology, files a signed ticket and thanks by e-mail for a consenting customer', async () => {
      const ann = await customer('ann@example.com', '+48 601 234 567', {
        sms: true,
        'marketing-email': true,
      });
      const result = await track(
        [
          {
            type: 'review-submitted',
            properties: { text: 'Terrible, awful service. I hate it.', rating: 1 },
          },
        ],
        ann,
      );
      expect(result.errors).to.deep.equal([]);

      expect(got.sms).to.have.length(1);
      expect(got.sms[0]).to.deep.include({
        to: '+48601234567',
        from: '+15005550006',
        body: 'We are sorry about your experience. Use code SORRY10.',
      });
      expect(got.sms[0]!.auth).to.equal(`Basic ${Buffer.from('AC42:tw-secret').toString('base64')}`);

      expect(got.hooks).to.have.length(1);
      const ticket = got.hooks[0]!;
      expect(JSON.parse(ticket.body)).to.deep.equal({
        review: 'Terrible, awful service. I hate it.',
        rating: 1,
        customer: ann.id,
      });
      expect(ticket.headers['x-cairn-signature']).to.equal(
        `sha256=${createHmac('sha256', 'hook-secret').update(ticket.body).digest('hex')}`,
      );

      expect(got.mail).to.have.length(1);
      expect(got.mail[0]).to.deep.include({ to: ['ann@example.com'], user: 'shop' });
      expect(got.mail[0]!.data).to.contain('Subject: Thank you for your review');

      const profile = await api(`/api/profiles/${ann.id}`);
      expect(profile.traits.last_sentiment.label).to.equal('negative');
    });

    it('only files the ticket for a customer who gave no consent, and texts nobody for a happy review', async () => {
      const before = { sms: got.sms.length, mail: got.mail.length, hooks: got.hooks.length };
      const bob = await customer('bob@example.com', '+48 601 234 568', {});
      const angry = await track(
        [{ type: 'review-submitted', properties: { text: 'Awful. Broken on arrival.', rating: 1 } }],
        bob,
      );
      expect(angry.errors).to.deep.equal([]);
      expect(got.sms.length, 'no SMS without the sms consent').to.equal(before.sms);
      expect(got.mail.length, 'no e-mail without the marketing consent').to.equal(before.mail);
      expect(got.hooks.length).to.equal(before.hooks + 1);

      const cleo = await customer('cleo@example.com', '+48 601 234 569', {
        sms: true,
        'marketing-email': true,
      });
      await track(
        [{ type: 'review-submitted', properties: { text: 'Great, lovely, wonderful shoes!', rating: 5 } }],
        cleo,
      );
      expect(got.sms.length, 'no apology for a happy review').to.equal(before.sms);
      expect(got.mail.length).to.equal(before.mail + 1);
      expect(got.mail.at(-1)!.to).to.deep.equal(['cleo@example.com']);
      expect(got.hooks.length).to.equal(before.hooks + 2);
    });
  });
}
