import { type DeepReadonly, type Json, notation, type ResourceInfo } from '@cairn/sdk';
import type { Static } from '@sinclair/typebox';
import type { webhookConfig } from './config.js';

export type WebhookConfig = DeepReadonly<Static<typeof webhookConfig>>;

/** The request a `call-webhook` node sends, before the host adds credentials and the signature. */
export interface WebhookRequest {
  method: string;
  url: string;
  /** Lower-case names, so a credential or signature header set by the host replaces, never doubles, one of ours. */
  headers: Record<string, string>;
  /** JSON text, or undefined for a request without a body. */
  body: string | undefined;
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Looks up a resource by id; the node's `ctx.resources.get`. */
export type ResourceLookup = (id: string) => ResourceInfo | undefined;

/**
 * Renders the URL, headers and body of one call.
 *
 * @throws Error naming the config field when a template is malformed, a resource is not
 *   available to the flow or is not an `http-auth` resource, or a header would be overwritten by
 *   the credential.
 */
export function buildRequest(
  config: WebhookConfig,
  context: notation.NotationContext,
  resources: ResourceLookup,
): WebhookRequest {
  const url = inField('url', () => notation.render(config.url, context)).trim();
  if (url === '') throw new Error(`url: the template '${config.url}' rendered to an empty URL`);

  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(config.headers ?? {})) {
    if (!HEADER_NAME.test(name)) {
      throw new Error(
        `headers.${name}: not a valid header name; use letters, digits and - (e.g. X-Customer)`,
      );
    }
    headers[name.toLowerCase()] = inField(`headers.${name}`, () => notation.render(template, context));
  }

  let body: string | undefined;
  if (config.method !== 'GET' && config.body !== undefined) {
    const value = inField('body', () => notation.renderObject(config.body as Json, context));
    body = JSON.stringify(value);
    headers['content-type'] ??= 'application/json';
  }

  if (config.auth !== undefined) {
    const credential = credentialHeader(resourceOf('auth', config.auth, resources));
    if (credential !== undefined && Object.hasOwn(headers, credential)) {
      throw new Error(
        `headers.${credential}: the auth resource sets this header; remove it from headers or choose no auth resource`,
      );
    }
  }
  if (config.signature !== undefined) {
    resourceOf('signature', config.signature, resources);
    if (Object.hasOwn(headers, config.signatureHeader.toLowerCase())) {
      throw new Error(
        `headers.${config.signatureHeader}: the signature is written to this header; remove it from headers or change signatureHeader`,
      );
    }
  }
  return { method: config.method, url, headers, body };
}

function resourceOf(field: string, id: string, resources: ResourceLookup): ResourceInfo {
  const resource = resources(id);
  if (resource === undefined) {
    throw new Error(
      `${field}: resource '${id}' is not available to this flow; choose an existing http-auth resource`,
    );
  }
  if (resource.type !== 'http-auth') {
    throw new Error(
      `${field}: resource '${id}' is a ${resource.type} resource; choose an http-auth resource`,
    );
  }
  return resource;
}

/** The header an `http-auth` resource writes: `authorization` for bearer and basic, its own header otherwise. */
function credentialHeader(resource: ResourceInfo): string | undefined {
  const { scheme, header } = resource.config;
  if (scheme === 'bearer' || scheme === 'basic') return 'authorization';
  return typeof header === 'string' ? header.toLowerCase() : 'x-api-key';
}

function inField<T>(field: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}
