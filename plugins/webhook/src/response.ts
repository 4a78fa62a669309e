import type { HttpResponse, Json } from '@cairn/sdk';

/** What `call-webhook` emits on `response`, and inside `error` when the endpoint answered. */
export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response says it is JSON (`application/json`, `…+json`); text otherwise. */
  body: Json;
}

/** Why a call went to the `error` port. */
export type WebhookFailureCode = 'http-status' | 'invalid-response' | 'timeout' | 'request-failed';

export interface WebhookFailure {
  error: { code: WebhookFailureCode; message: string };
  /** The endpoint's answer, when there was one. */
  response?: WebhookResponse;
}

const JSON_MEDIA_TYPE = /^\s*(?:application\/(?:[\w.-]+\+)?json|text\/json)\s*(?:;|$)/i;

/**
 * Reads a reply: 2xx goes on as a response, anything else (including redirects, which the host
 * never follows) is a failure that carries the answer so a flow can branch on its status.
 */
export function readReply(reply: HttpResponse, method: string): WebhookResponse | WebhookFailure {
  const { status, headers } = reply;
  let body: Json = reply.body;
  if (JSON_MEDIA_TYPE.test(headers['content-type'] ?? '') && reply.body.trim() !== '') {
    try {
      body = reply.json();
    } catch (error) {
      return {
        error: {
          code: 'invalid-response',
          message: `${method} answered ${status} with content-type ${headers['content-type']} but the body is not JSON: ${(error as Error).message}`,
        },
        response: { status, headers: { ...headers }, body: reply.body },
      };
    }
  } else if (JSON_MEDIA_TYPE.test(headers['content-type'] ?? '')) {
    body = null;
  }
  const response = { status, headers: { ...headers }, body };
  if (status >= 200 && status < 300) return response;
  const location =
    status >= 300 && status < 400 && headers.location
      ? ` (redirect to ${headers.location}, not followed)`
      : '';
  return { error: { code: 'http-status', message: `${method} answered ${status}${location}` }, response };
}

/**
 * A rejected fetch as a failure. The host says why in the message: a refused address or host, a
 * network error, or an attempt that ran past its time limit.
 */
export function requestFailure(error: unknown): WebhookFailure {
  const message = error instanceof Error ? error.message : String(error);
  const code = /timeout|timed out/i.test(message) ? 'timeout' : 'request-failed';
  return { error: { code, message } };
}

export function isFailure(outcome: WebhookResponse | WebhookFailure): outcome is WebhookFailure {
  return 'error' in outcome;
}
