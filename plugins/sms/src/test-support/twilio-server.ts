import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake provider received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form fields of the body. */
  form: Record<string, string>;
}

/** An answer the fake provider gives; `body` is sent as JSON. */
export interface ScriptedAnswer {
  status: number;
  /** Wait this long before answering, to outlast the client's time limit. */
  delayMs?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A local HTTP server that speaks the part of Twilio's API the node uses: it checks basic auth
 * and the Messages path, answers with scripted answers first, and otherwise creates the message
 * (201 with a new `SM…` sid), as Twilio does.
 */
export class FakeTwilio {
  readonly received: ReceivedRequest[] = [];
  /** Sids of the messages created, oldest first. */
  readonly created: string[] = [];
  readonly #server: Server;
  #script: ScriptedAnswer[] = [];

  constructor(readonly account: { sid: string; authToken: string }) {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
        };
        this.received.push(received);
        const answer = this.#answer(received);
        setTimeout(() => {
          if (response.destroyed) return;
          response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        }, answer.delayMs ?? 0);
      });
    });
  }

  /** Answers the next requests with these, in order, before going back to creating messages. */
  script(...answers: ScriptedAnswer[]): void {
    this.#script = answers;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #answer(request: ReceivedRequest): ScriptedAnswer {
    const expected = `Basic ${Buffer.from(`${this.account.sid}:${this.account.authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      return { status: 401, body: twilioError(20003, 'Authenticate', 401) };
    }
    if (
      request.method !== 'POST' ||
      request.path !== `/2010-04-01/Accounts/${this.account.sid}/Messages.json`
    ) {
      return { status: 404, body: twilioError(20404, 'The requested resource was not found', 404) };
    }
    const scripted = this.#script.shift();
    if (scripted) return scripted;
    const sid = `SM${(this.created.length + 1).toString(16).padStart(32, '0')}`;
    this.created.push(sid);
    const { To: to, From: from, Body: body } = request.form;
    return { status: 201, body: { sid, account_sid: this.account.sid, to, from, body, status: 'queued' } };
  }
}

/** An error body the way Twilio writes one. */
export function twilioError(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
