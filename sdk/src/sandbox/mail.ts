import { createTransport } from 'nodemailer';
import type { ResolvedResource } from './resources.js';

/** What a node asks to send; addresses and content come from the node, the login from the resource. */
export interface MailRequest {
  to: string[];
  subject: string;
  text?: string;
  html?: string;
  from?: string;
  replyTo?: string;
}

export interface MailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export class MailError extends Error {
  constructor(
    readonly code: 'invalid_request' | 'send_failed',
    message: string,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

const LIMITS = { recipients: 50, subject: 998, body: 1024 * 1024 };
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Checks a request from plugin code before anything is sent. */
export function checkMail(request: MailRequest): void {
  if (!Array.isArray(request.to) || request.to.length === 0 || request.to.length > LIMITS.recipients) {
    throw new MailError('invalid_request', `to must list 1 to ${LIMITS.recipients} addresses`);
  }
  for (const address of [
    ...request.to,
    ...(request.from ? [request.from] : []),
    ...(request.replyTo ? [request.replyTo] : []),
  ]) {
    if (typeof address !== 'string' || !ADDRESS.test(address)) {
      throw new MailError('invalid_request', `"${String(address)}" is not an e-mail address`);
    }
  }
  if (
    typeof request.subject !== 'string' ||
    request.subject.length > LIMITS.subject ||
    /[\r\n]/.test(request.subject)
  ) {
    throw new MailError('invalid_request', 'subject must be one line of at most 998 characters');
  }
  if (request.text === undefined && request.html === undefined)
    throw new MailError('invalid_request', 'text or html is required');
  for (const body of [request.text, request.html]) {
    if (body !== undefined && (typeof body !== 'string' || body.length > LIMITS.body)) {
      throw new MailError('invalid_request', 'text and html must be strings of at most 1 MB');
    }
  }
}

/**
 * Sends one message through an `smtp` resource. The host holds the login; plugin code only ever
 * sees the receipt.
 */
export async function sendMail(
  credentials: ResolvedResource,
  request: MailRequest,
  timeoutMs = 15_000,
): Promise<MailReceipt> {
  checkMail(request);
  const { config, secrets } = credentials;
  const from = request.from ?? (config.from as string | undefined);
  if (!from) throw new MailError('invalid_request', 'no sender: set from in the request or the resource');
  const transport = createTransport({
    host: config.host as string,
    port: config.port as number,
    secure: config.secure === true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...(config.username ? { auth: { user: config.username as string, pass: secrets.password ?? '' } } : {}),
  });
  try {
    const info = await transport.sendMail({
      from,
      to: request.to,
      subject: request.subject,
      ...(request.text !== undefined ? { text: request.text } : {}),
      ...(request.html !== undefined ? { html: request.html } : {}),
      ...(request.replyTo ? { replyTo: request.replyTo } : {}),
    });
    return {
      messageId: String(info.messageId),
      accepted: (info.accepted as unknown[]).map(String),
      rejected: (info.rejected as unknown[]).map(String),
    };
  } catch (error) {
    throw new MailError('send_failed', (error as Error).message);
  } finally {
    transport.close();
  }
}
