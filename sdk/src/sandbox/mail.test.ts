import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { type MailError, sendMail } from './mail.js';
import type { ResolvedResource } from './resources.js';

interface Delivered {
  from: string;
  to: string[];
  user: string | undefined;
  data: string;
}

describe('mail through an smtp resource', () => {
  let server: SMTPServer;
  let credentials: ResolvedResource;
  const delivered: Delivered[] = [];

  before(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === 'pw-1') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => {
          data += chunk.toString('utf8');
        });
        stream.on('end', () => {
          delivered.push({
            from: (session.envelope.mailFrom as { address: string }).address,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    credentials = {
      id: 'r1',
      type: 'smtp',
      config: { host: '127.0.0.1', port, username: 'mailer', from: 'Shop <shop@example.com>' },
      secrets: { password: 'pw-1' },
    };
  });
  after(() => server.close());

  it('logs in with the resource and delivers the message with its envelope', async () => {
    const receipt = await sendMail(credentials, {
      to: ['ann@example.com'],
      subject: 'Thanks for your review',
      text: 'Hello Ann',
      html: '<p>Hello Ann</p>',
    });
    expect(receipt.accepted).to.deep.equal(['ann@example.com']);
    const [mail] = delivered;
    expect(mail).to.include({ from: 'shop@example.com', user: 'mailer' });
    expect(mail!.to).to.deep.equal(['ann@example.com']);
    expect(mail!.data).to.contain('Subject: Thanks for your review');
    expect(mail!.data).to.contain('Hello Ann');
    expect(mail!.data).to.contain('<p>Hello Ann</p>');
  });

  it('fails with a clear error on a wrong password, and refuses header injection before connecting', async () => {
    const wrong = { ...credentials, secrets: { password: 'nope' } };
    await sendMail(wrong, { to: ['a@example.com'], subject: 's', text: 't' }).then(
      () => expect.fail('sent with a wrong password'),
      (error: MailError) => {
        expect(error.code).to.equal('send_failed');
        expect(error.message).to.match(/Invalid username or password/);
      },
    );
    const count = delivered.length;
    for (const request of [
      { to: ['a@example.com'], subject: 'Hi\r\nBcc: victim@example.com', text: 't' },
      { to: ['not-an-address'], subject: 's', text: 't' },
      { to: [], subject: 's', text: 't' },
      { to: ['a@example.com'], subject: 's' },
    ]) {
      await sendMail(credentials, request).then(
        () => expect.fail(`sent ${JSON.stringify(request)}`),
        (error: MailError) => expect(error.code).to.equal('invalid_request'),
      );
    }
    expect(delivered.length).to.equal(count);
  });
});
