/**
 * The one way the console talks to the server: same-origin fetch with the session cookie, the
 * CSRF token on every request that changes something, and errors turned into `ApiError` values
 * that carry the server's code, message and field path.
 */

export interface ErrorDetail {
  code?: string;
  message: string;
  path?: string;
  /** For a flow problem: the node or edge it concerns. */
  nodeId?: string;
  edgeId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Text to show a person: the message, and the field it concerns when there is one. */
  get display(): string {
    return this.path && !this.message.includes(this.path) ? `${this.message} (${this.path})` : this.message;
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server answers 401: the session ended, so the console asks for a login. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', 'The server cannot be reached. Check that Cairn is running.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (
      parsed as { error?: { code?: string; message?: string; path?: string; details?: ErrorDetail[] } }
    )?.error;
    if (response.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized?.();
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
      error?.path,
      error?.details ?? [],
    );
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>('GET', withQuery(path, query), undefined, signal),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: (path: string) => request<void>('DELETE', path),
};

/** A message for any thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.display;
  if (error instanceof Error) return error.message;
  return String(error);
}
