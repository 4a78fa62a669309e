import type { HttpResponse, Json } from '@cairn/sdk';

/** Where Twilio's REST API lives; a resource's `baseUrl` replaces it for compatible providers. */
export const TWILIO_BASE_URL = 'https://api.twilio.com';

/** The Messages list of an account, where a POST creates (sends) a message. */
export function messagesUrl(baseUrl: string | undefined, accountSid: string): string {
  const base = (baseUrl ?? TWILIO_BASE_URL).replace(/\/+$/, '');
  return `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
}

/**
 * Fields as `application/x-www-form-urlencoded`, byte for byte what `URLSearchParams` writes
 * (the sandbox has no `URLSearchParams`): spaces become `+`, and only `*-._` and alphanumerics
 * stay unescaped.
 */
export function formEncode(fields: { readonly [name: string]: string }): string {
  const encode = (text: string) =>
    encodeURIComponent(text.toWellFormed())
      .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  return Object.entries(fields)
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join('&');
}

/** A message the provider accepted. */
export interface AcceptedMessage {
  sid: string;
  /** The provider's delivery status at creation, such as `queued`; `null` if it gave none. */
  status: string | null;
}

export type FailureCode =
  | 'provider-error'
  | 'invalid-response'
  | 'request-failed'
  | 'no-account'
  | 'no-sender'
  | 'empty-message';

/** Why a message was not sent, in the shape the engine uses for failures. */
export interface SmsFailure {
  code: FailureCode;
  message: string;
  /** The HTTP status, when the provider answered. */
  status?: number;
  /** The provider's error code, e.g. Twilio's `21211` for an invalid To number. */
  providerCode?: number;
  /** The provider's link to the documentation of its error. */
  moreInfo?: string;
}

/**
 * Reads the provider's answer to the POST. A 2xx answer must carry the new message's `sid`;
 * anything else is a failure carrying the status and the provider's own message, read from a
 * Twilio-style error body (`{ code, message, more_info, status }`) when there is one.
 */
export function readAnswer(reply: HttpResponse): AcceptedMessage | SmsFailure {
  const body = parseObject(reply.body);
  if (reply.status >= 200 && reply.status < 300) {
    if (typeof body?.sid === 'string' && body.sid !== '') {
      return { sid: body.sid, status: typeof body.status === 'string' ? body.status : null };
    }
    return {
      code: 'invalid-response',
      status: reply.status,
      message: `the provider answered ${reply.status} without a message sid, so the message may have been sent`,
    };
  }
  const message =
    typeof body?.message === 'string' && body.message !== ''
      ? body.message
      : `the provider answered ${reply.status}${reply.body.trim() === '' ? '' : `: ${reply.body.trim().slice(0, 300)}`}`;
  return {
    code: 'provider-error',
    status: reply.status,
    message,
    ...(typeof body?.code === 'number' ? { providerCode: body.code } : {}),
    ...(typeof body?.more_info === 'string' ? { moreInfo: body.more_info } : {}),
  };
}

/** A failed request: the host refused it, the network failed, or an attempt ran out of time. */
export function requestFailure(error: unknown): SmsFailure {
  return { code: 'request-failed', message: error instanceof Error ? error.message : String(error) };
}

function parseObject(text: string): { readonly [key: string]: Json } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as { [key: string]: Json })
      : undefined;
  } catch {
    return undefined;
  }
}

export function isFailure(answer: AcceptedMessage | SmsFailure): answer is SmsFailure {
  return 'code' in answer;
}
