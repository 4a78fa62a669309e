import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { NodeManifest } from '../contract.js';
import { AddressPolicy } from './address-policy.js';
import type { MailRequest } from './mail.js';
import { NO_RESOURCES, type ResourceBroker, ResourceRefusal } from './resources.js';

/** Operator settings of the `http` capability. */
export interface HttpCapabilityOptions {
  /** IPs or CIDR ranges reachable although private or local (fed from `CAIRN_HTTP_ALLOW`). */
  allow?: readonly string[];
  /** Time one request may take, in ms. Default 5000. */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes. Default 1 MB. */
  maxResponseBytes?: number;
  /** Largest request body accepted, in bytes. Default 256 KB. */
  maxRequestBytes?: number;
  /** Turns resource ids named by nodes into credentials; without one, every resource use is refused. */
  resources?: ResourceBroker;
}

/** Who is asking: the node (its manifest, from the host) and which credential set applies to the run. */
export interface CapabilityUse {
  /** The plugin version the node belongs to, e.g. `@acme/plugin-crm@1.2.0`. */
  plugin: string;
  node: NodeManifest;
  credentialSet: 'production' | 'test';
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

class HttpRefusal extends Error {}

function refuse(message: string): never {
  throw new HttpRefusal(message);
}

/**
 * `*.example.com` matches sub-domains of example.com; `*` matches any host (for nodes whose URL
 * the operator configures; private and local addresses stay refused); anything else must match
 * exactly.
 */
export function hostPermitted(hostname: string, declared: readonly string[]): boolean {
  return declared.some((pattern) =>
    pattern === '*'
      ? true
      : pattern.startsWith('*.')
        ? hostname.endsWith(pattern.slice(1))
        : hostname === pattern,
  );
}

/** The longest a node may ask one attempt to take. */
const MAX_TIMEOUT_MS = 30_000;

function parseRequest(json: string, maxRequestBytes: number) {
  const value: unknown = JSON.parse(json);
  if (value === null || typeof value !== 'object') refuse('request must be an object');
  const { url, method, headers, body } = value as { [key: string]: unknown };
  if (typeof url !== 'string') refuse('url must be a string');
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    refuse(`'${url}' is not an absolute URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    refuse(`scheme ${target.protocol} is not allowed`);
  if (target.username !== '' || target.password !== '') refuse('credentials in the URL are not allowed');
  const verb = typeof method === 'string' ? method.toUpperCase() : '';
  if (!METHODS.has(verb)) refuse(`method ${String(method)} is not allowed`);
  const headerMap: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers))
    refuse('headers must be an object');
  for (const [name, headerValue] of Object.entries(headers)) {
    if (typeof headerValue !== 'string') refuse(`header ${name} must be a string`);
    if (name.toLowerCase() === 'host') refuse('the host header is set by the host');
    headerMap[name] = headerValue;
  }
  if (body !== null && typeof body !== 'string') refuse('body must be a string');
  if (body !== null && Buffer.byteLength(body) > maxRequestBytes) {
    refuse(`request body exceeds ${maxRequestBytes} bytes`);
  }
  return { target, method: verb, headers: headerMap, body };
}

/**
 * The host side of `ctx.http.fetch`: permission check against the node's declared hosts,
 * DNS resolution with address classification (no private, loopback or metadata addresses
 * unless allowed), a connection pinned to the checked address, a timeout and a body cap.
 * Redirects are returned to the node, never followed, so every hop is checked again.
 */
export class HttpCapability {
  readonly #policy: AddressPolicy;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #maxRequestBytes: number;
  readonly #resources: ResourceBroker;

  constructor(options: HttpCapabilityOptions = {}) {
    this.#policy = new AddressPolicy(options.allow);
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.#maxRequestBytes = options.maxRequestBytes ?? 256 * 1024;
    this.#resources = options.resources ?? NO_RESOURCES;
  }

  /**
   * Serve one request JSON from a node allowed to reach `declaredHosts`. Always answers JSON:
   * `{ ok: true, status, headers, body }` or `{ ok: false, error }`.
   */
  async handle(
    requestJson: string,
    declaredHosts: readonly string[] | null,
    signal: AbortSignal,
    use?: CapabilityUse,
  ): Promise<string> {
    try {
      const { resource, sign, retry, timeoutMs, ...base } = JSON.parse(requestJson) as {
        [key: string]: unknown;
      };
      const headers: Record<string, unknown> =
        base.headers !== null && typeof base.headers === 'object' ? { ...(base.headers as object) } : {};
      let hosts = declaredHosts;
      if (resource !== undefined) {
        // The credential is added here, on the host, after the node's own headers.
        if (use === undefined) refuse('resources are not available here');
        const grant = await this.#resources.httpGrant(String(resource), use.node, use.credentialSet);
        Object.assign(headers, grant.headers);
        hosts = [...(declaredHosts ?? []), ...grant.hosts];
      }
      if (sign !== undefined) {
        if (use === undefined) refuse('resources are not available here');
        const spec = sign as { resource?: unknown; header?: unknown };
        if (
          typeof spec.resource !== 'string' ||
          typeof spec.header !== 'string' ||
          !/^[A-Za-z0-9-]{1,64}$/.test(spec.header)
        ) {
          refuse('sign needs { resource, header } with a header name of letters, digits and dashes');
        }
        const key = await this.#resources.signingKey(spec.resource, use.node, use.credentialSet);
        const body = typeof base.body === 'string' ? base.body : '';
        headers[spec.header.toLowerCase()] = `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
      }
      if (hosts === null) refuse('this node has no http permission');
      const request = JSON.stringify({ ...base, headers });
      const reply = await this.#withRetries(request, hosts, signal, retry, timeoutMs);
      return JSON.stringify({ ok: true, ...reply });
    } catch (error) {
      const message =
        error instanceof HttpRefusal || error instanceof ResourceRefusal
          ? error.message
          : `request failed: ${(error as Error).message}`;
      return JSON.stringify({ ok: false, error: message });
    }
  }

  /**
   * Sends a request, again after 429 and 5xx answers or network failures when the node asked for
   * retries: at most 5 more attempts, waiting `delayMs` doubled each time (or what `Retry-After`
   * asks, up to 10 s). Refusals (permissions, addresses) are never retried. The node's wall-time
   * limit bounds the whole.
   */
  async #withRetries(
    request: string,
    hosts: readonly string[],
    signal: AbortSignal,
    retry: unknown,
    timeoutMs: unknown,
  ): Promise<HttpReply> {
    const spec = (retry ?? {}) as { attempts?: unknown; delayMs?: unknown };
    const extra = typeof spec.attempts === 'number' ? Math.max(0, Math.min(5, Math.floor(spec.attempts))) : 0;
    const baseDelay = typeof spec.delayMs === 'number' ? Math.max(10, Math.min(5000, spec.delayMs)) : 200;
    const timeout =
      typeof timeoutMs === 'number' && timeoutMs > 0 ? Math.min(timeoutMs, MAX_TIMEOUT_MS) : this.#timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      let reply: HttpReply | undefined;
      try {
        reply = await this.#fetch(request, hosts, signal, timeout);
      } catch (error) {
        if (error instanceof HttpRefusal || attempt >= extra || signal.aborted) throw error;
      }
      if (reply !== undefined && (attempt >= extra || (reply.status !== 429 && reply.status < 500)))
        return reply;
      const asked = reply ? Number(reply.headers['retry-after']) * 1000 : Number.NaN;
      const wait = Number.isFinite(asked) && asked >= 0 ? Math.min(asked, 10_000) : baseDelay * 2 ** attempt;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      if (signal.aborted) refuse('the call was stopped while waiting to retry');
    }
  }

  /** Serve one `smtp.send` request JSON (`{resource, message}`). Always answers JSON. */
  async mail(requestJson: string, use: CapabilityUse, _signal: AbortSignal): Promise<string> {
    try {
      const { resource, message } = JSON.parse(requestJson) as { resource?: unknown; message?: MailRequest };
      if (typeof resource !== 'string' || message === null || typeof message !== 'object') {
        refuse('smtp.send needs a resource and a message');
      }
      const receipt = await this.#resources.sendMail(resource, message, use.node, use.credentialSet);
      return JSON.stringify({ ok: true, receipt });
    } catch (error) {
      return JSON.stringify({ ok: false, error: (error as Error).message });
    }
  }

  async #fetch(
    requestJson: string,
    declaredHosts: readonly string[],
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<HttpReply> {
    const request = parseRequest(requestJson, this.#maxRequestBytes);
    const hostname = request.target.hostname.toLowerCase();
    if (!hostPermitted(hostname, declaredHosts)) {
      refuse(
        `host ${hostname} is not in the node's permissions.http.hosts (${declaredHosts.join(', ') || 'none'})`,
      );
    }
    const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    const address = ipaddr.isValid(literal) ? literal : await this.#resolve(hostname);
    const refusal = this.#policy.refusal(address);
    if (refusal !== null) refuse(`${hostname}: ${refusal}`);
    return this.#send(request, address, AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
  }

  /** Every address the name resolves to must pass, so a mixed answer cannot slip through. */
  async #resolve(hostname: string): Promise<string> {
    let answers: { address: string }[];
    try {
      answers = await lookup(hostname, { all: true, verbatim: true });
    } catch (error) {
      refuse(`cannot resolve ${hostname}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const first = answers[0];
    if (first === undefined) refuse(`${hostname} has no address`);
    for (const { address } of answers) {
      const refusal = this.#policy.refusal(address);
      if (refusal !== null) refuse(`${hostname}: ${refusal}`);
    }
    return first.address;
  }

  #send(request: ReturnType<typeof parseRequest>, address: string, signal: AbortSignal): Promise<HttpReply> {
    const family = ipaddr.parse(address).kind() === 'ipv4' ? 4 : 6;
    // The connection goes to the address checked above, not to a second DNS answer.
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const client = request.target.protocol === 'https:' ? https : http;
    const limit = this.#maxResponseBytes;
    return new Promise((resolve, reject) => {
      const outgoing = client.request(
        request.target,
        { method: request.method, headers: request.headers, lookup: pinned, signal },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              incoming.destroy();
              reject(new HttpRefusal(`response body exceeds ${limit} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          incoming.on('error', reject);
          incoming.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({
              status: incoming.statusCode ?? 0,
              headers,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      outgoing.on('error', (error) =>
        reject(signal.aborted ? new HttpRefusal(`request aborted: ${String(signal.reason)}`) : error),
      );
      outgoing.end(request.body ?? undefined);
    });
  }
}
