import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  /** The user the client logged in as. */
  user: unknown;
  /** The envelope: `MAIL FROM` and `RCPT TO`. */
  from: string | undefined;
  to: string[];
  /** The raw message: headers, a blank line, the body. */
  data: string;
}

/**
 * A real SMTP server on loopback that requires a login, for the specs to send through and read
 * back what arrived.
 */
export class TestMailServer {
  readonly received: ReceivedMail[] = [];
  readonly #server: SMTPServer;
  #port = 0;

  constructor(readonly login: { username: string; password: string }) {
    this.#server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, done) =>
        auth.username === login.username && auth.password === login.password
          ? done(null, { user: auth.username })
          : done(new Error('Invalid username or password')),
      onData: (stream, session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const { mailFrom, rcptTo } = session.envelope;
          this.received.push({
            user: session.user,
            from: mailFrom === false ? undefined : mailFrom.address,
            to: rcptTo.map((recipient) => recipient.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          done();
        });
      },
    });
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(resolve));
  }
}

/** The value of one header of a raw message, with folded lines joined. */
export function header(data: string, name: string): string | undefined {
  const head = data.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded
    .split(/\r?\n/)
    .find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
