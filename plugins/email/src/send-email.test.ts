import type { JsonObject } from '@cairn/sdk';
import { SandboxError } from '@cairn/sdk/testing';
import { expect } from 'chai';
import { header, TestMailServer } from './test-support/mail-server.js';
import { sendEmail } from './test-support/plugin.js';

const PASSWORD = 'relay-secret-7f3a';

const ann = (data: JsonObject = {}, consents: JsonObject = { 'marketing-email': { revoke: null } }) => ({
  id: 'profile-ann',
  data: { pii: { firstname: 'Ann' }, contact: { email: { main: 'ann@example.com' } }, ...data },
  consents,
});

const shipped = { id: 'event-1', type: 'order-shipped', properties: { order: 'A-1042' } };

describe('send-email', () => {
  const server = new TestMailServer({ username: 'mailer', password: PASSWORD });
  before(() => server.start());
  after(() => server.stop());

  const resources = (password = PASSWORD) => ({
    relay: {
      type: 'smtp',
      config: { host: '127.0.0.1', port: server.port, username: 'mailer', from: 'shop@example.com' },
      secrets: { password },
    },
  });
  const config = (overrides: JsonObject = {}): JsonObject => ({
    server: 'relay',
    to: '{{profile@data.contact.email.main}}',
    subject: 'Your order {{event@properties.order}}, {{profile@data.pii.firstname}}',
    text: 'Hi {{profile@data.pii.firstname}}, order {{event@properties.order}} is on its way.',
    consent: 'marketing-email',
    ...overrides,
  });
  const send = (options: Omit<Parameters<typeof sendEmail>[0], 'resources'>, password?: string) =>
    sendEmail({ event: shipped, resources: resources(password), ...options });

  /** Runs `act` and checks that the SMTP server received nothing meanwhile. */
  async function sendsNothing<T>(act: () => Promise<T>): Promise<T> {
    const before = server.received.length;
    const result = await act();
    expect(server.received.length, 'messages delivered').to.equal(before);
    return result;
  }

  describe('when the profile consented', () => {
    it("delivers the rendered message to the profile's address, logged in with the resource's login", async () => {
      const result = await send({ profile: ann(), config: config() });

      expect(result.emissions).to.have.length(1);
      const emission = result.emissions[0]!;
      expect(emission.port).to.equal('sent');
      expect(emission.payload).to.deep.include({
        to: 'ann@example.com',
        accepted: ['ann@example.com'],
        rejected: [],
      });
      const mail = server.received.at(-1)!;
      expect(mail.user).to.equal('mailer');
      expect(mail.from).to.equal('shop@example.com');
      expect(mail.to).to.deep.equal(['ann@example.com']);
      expect(header(mail.data, 'subject')).to.equal('Your order A-1042, Ann');
      expect(header(mail.data, 'to')).to.equal('ann@example.com');
      expect(mail.data).to.contain('Hi Ann, order A-1042 is on its way.');
      expect((emission.payload as { messageId: string }).messageId).to.equal(header(mail.data, 'message-id'));
    });

    it('never shows the SMTP password to the flow', async () => {
      const result = await send({ profile: ann(), config: config() });
      expect(result.emissions[0]?.port).to.equal('sent');
      expect(JSON.stringify(result)).to.not.contain(PASSWORD);
    });

    it('sends text and HTML together, with the values inserted into the HTML escaped', async () => {
      const profile = ann({ pii: { firstname: 'Ann & <b>Co</b>' } });
      const result = await send({
        profile,
        config: config({
          subject: 'Hello',
          text: 'Hi {{profile@data.pii.firstname}}',
          html: '<p>Hi <em>{{profile@data.pii.firstname}}</em></p>',
        }),
      });

      expect(result.emissions[0]?.port).to.equal('sent');
      const { data } = server.received.at(-1)!;
      expect(header(data, 'content-type')).to.match(/^multipart\/alternative/);
      expect(data).to.contain('Hi Ann & <b>Co</b>');
      expect(data).to.contain('<p>Hi <em>Ann &amp; &lt;b&gt;Co&lt;/b&gt;</em></p>');
    });

    it('sends HTML alone when no text is given', async () => {
      const { text: _text, ...htmlOnly } = config({ html: '<h1>Order shipped</h1>' });
      await send({ profile: ann(), config: htmlOnly });
      const { data } = server.received.at(-1)!;
      expect(header(data, 'content-type')).to.match(/^text\/html/);
      expect(data).to.contain('<h1>Order shipped</h1>');
    });

    it('uses the configured sender over the one of the resource', async () => {
      await send({ profile: ann(), config: config({ from: 'orders@example.com' }) });
      const mail = server.received.at(-1)!;
      expect(mail.from).to.equal('orders@example.com');
      expect(header(mail.data, 'from')).to.equal('orders@example.com');
    });

    it('sends to a recipient given by the event, and checks the consent the node names', async () => {
      const result = await send({
        profile: ann({}, { newsletter: { revoke: null } }),
        event: { ...shipped, properties: { ...shipped.properties, email: 'ann.work@example.org' } },
        config: config({ to: '  {{event@properties.email}} ', consent: 'newsletter' }),
      });
      expect(result.emissions[0]?.port).to.equal('sent');
      expect(server.received.at(-1)!.to).to.deep.equal(['ann.work@example.org']);
    });
  });

  describe('without consent', () => {
    it('routes to no-consent and sends nothing when the profile lacks the consent', async () => {
      const result = await sendsNothing(() =>
        send({ profile: ann({}, { sms: { revoke: null } }), config: config() }),
      );
      expect(result.emissions).to.deep.equal([
        { port: 'no-consent', payload: { consent: 'marketing-email' } },
      ]);
      expect(result.logs.map((line) => line.message)).to.deep.equal([
        "not sent: the profile does not hold the 'marketing-email' consent",
      ]);
    });

    it('routes to no-consent when the event has no profile', async () => {
      const result = await sendsNothing(() => send({ profile: null, config: config() }));
      expect(result.emissions).to.deep.equal([
        { port: 'no-consent', payload: { consent: 'marketing-email' } },
      ]);
    });

    it('checks consent before the address, so an unconsented bad address is never looked at', async () => {
      const profile = { id: 'p2', data: { contact: { email: { main: 'not-an-address' } } } };
      const result = await sendsNothing(() => send({ profile, config: config() }));
      expect(result.emissions[0]?.port).to.equal('no-consent');
    });
  });

  describe('with an address that cannot be sent to', () => {
    it('routes a profile without an e-mail address to invalid-address', async () => {
      const profile = { ...ann(), data: { pii: { firstname: 'Ann' } } };
      const result = await sendsNothing(() => send({ profile, config: config() }));
      expect(result.emissions).to.deep.equal([
        { port: 'invalid-address', payload: { to: '', reason: 'missing' } },
      ]);
    });

    for (const address of [
      'ann@',
      'ann@localhost',
      'ann@example.com, eve@example.com',
      'Ann <ann@example.com>',
    ]) {
      it(`routes '${address}' to invalid-address`, async () => {
        const profile = ann({ contact: { email: { main: address } } });
        const result = await sendsNothing(() => send({ profile, config: config() }));
        expect(result.emissions).to.deep.equal([
          { port: 'invalid-address', payload: { to: address, reason: 'malformed' } },
        ]);
      });
    }
  });

  describe('when sending fails', () => {
    it('routes a refused login to error with the server message, without the password', async () => {
      const result = await sendsNothing(() => send({ profile: ann(), config: config() }, 'wrong-password'));
      expect(result.emissions).to.have.length(1);
      const { port, payload } = result.emissions[0]!;
      expect(port).to.equal('error');
      const { error, to } = payload as { error: { code: string; message: string }; to: string };
      expect(to).to.equal('ann@example.com');
      expect(error.code).to.equal('send-failed');
      expect(error.message).to.match(/Invalid login|Invalid username or password/);
      expect(result.logs.map((line) => line.level)).to.deep.equal(['error']);
      expect(JSON.stringify(result)).to.not.contain('wrong-password');
    });

    it('refuses a subject that profile data turned into extra headers', async () => {
      const profile = ann({ pii: { firstname: 'Ann\r\nBcc: eve@example.com' } });
      const result = await sendsNothing(() => send({ profile, config: config() }));
      const { port, payload } = result.emissions[0]!;
      expect(port).to.equal('error');
      expect((payload as { error: { message: string } }).error.message).to.contain(
        'subject must be one line',
      );
    });

    it('routes an unknown SMTP resource to error', async () => {
      const result = await sendsNothing(() => send({ profile: ann(), config: config({ server: 'nope' }) }));
      const { port, payload } = result.emissions[0]!;
      expect(port).to.equal('error');
      expect((payload as { error: { message: string } }).error.message).to.contain(
        "resource 'nope' does not exist",
      );
    });
  });

  describe('with a broken config', () => {
    async function failure(nodeConfig: JsonObject): Promise<SandboxError> {
      const error = await sendsNothing(() =>
        send({ profile: ann(), config: nodeConfig }).then(
          () => expect.fail('the node ran'),
          (thrown: unknown) => thrown,
        ),
      );
      expect(error).to.be.instanceOf(SandboxError);
      return error as SandboxError;
    }

    it('fails when neither text nor html is given', async () => {
      const error = await failure(config({ text: '  ' }));
      expect(error.code).to.equal('plugin-error');
      expect(error.message).to.contain('text, html: give a plain-text body, an HTML body or both');
    });

    it('fails with the field and column of a malformed template', async () => {
      const error = await failure(config({ subject: 'Hi {{ }}' }));
      expect(error.code).to.equal('plugin-error');
      expect(error.message).to.contain('subject: empty placeholder at column 4');
    });
  });
});
