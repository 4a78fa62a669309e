import type { JsonObject, NodeManifest } from '../contract.js';
import { type MailReceipt, type MailRequest, sendMail } from './mail.js';

/** A resource with its secrets, as only the host holds it. */
export interface ResolvedResource {
  id: string;
  type: string;
  config: JsonObject;
  secrets: Record<string, string>;
}

/** What an HTTP request made with a resource gets from the host. */
export interface HttpGrant {
  /** Headers set after the node's own, so a node can neither override nor read them. */
  headers: Record<string, string>;
  /** Hosts the request may go to besides the node's declared ones: those of the resource's URLs. */
  hosts: string[];
}

export type CredentialSet = 'production' | 'test';

/**
 * The host side of resources: turns a resource id named by a node into credentials, without the
 * node ever seeing them. A debug run asks for the test set. Throws to refuse.
 */
export interface ResourceBroker {
  httpGrant(resourceId: string, node: NodeManifest, set: CredentialSet): Promise<HttpGrant>;
  /** The secret of an `http-auth` resource, for the host to sign a request body with; never given to the node. */
  signingKey(resourceId: string, node: NodeManifest, set: CredentialSet): Promise<string>;
  sendMail(
    resourceId: string,
    message: MailRequest,
    node: NodeManifest,
    set: CredentialSet,
  ): Promise<MailReceipt>;
}

export class ResourceRefusal extends Error {}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The headers an HTTP resource adds to a request. */
export function credentialHeaders(resource: ResolvedResource): Record<string, string> {
  const { config, secrets } = resource;
  switch (resource.type) {
    case 'http-auth': {
      const value = secrets.value ?? '';
      if (config.scheme === 'bearer') return { authorization: `Bearer ${value}` };
      if (config.scheme === 'basic') return { authorization: basic(String(config.username ?? ''), value) };
      return { [String(config.header ?? 'x-api-key').toLowerCase()]: value };
    }
    case 'twilio':
      return { authorization: basic(String(config.accountSid ?? ''), secrets.authToken ?? '') };
    case 'ai-provider':
      return secrets.apiKey ? { authorization: `Bearer ${secrets.apiKey}` } : {};
    default:
      return {};
  }
}

/** Host names of the URLs in a resource's settings (a provider's base URL, a test URL). */
export function resourceHosts(resource: ResolvedResource): string[] {
  const hosts: string[] = [];
  for (const key of ['baseUrl', 'testUrl']) {
    const value = resource.config[key];
    if (typeof value !== 'string') continue;
    try {
      hosts.push(new URL(value).hostname.toLowerCase());
    } catch {
      // not a URL: nothing to allow
    }
  }
  if (resource.type === 'twilio' && resource.config.baseUrl === undefined) hosts.push('api.twilio.com');
  return hosts;
}

/** Refuses a resource the node did not declare a use for. */
export function checkResourceUse(resource: ResolvedResource, node: NodeManifest): void {
  if (!node.resources.includes(resource.type)) {
    throw new ResourceRefusal(
      `node '${node.id}' declares no use of ${resource.type} resources (resources: ${node.resources.join(', ') || 'none'})`,
    );
  }
}

/**
 * A broker over resources held in memory: what the test harness uses, and a model of what a
 * server does with its stored, encrypted resources.
 */
export function memoryBroker(resources: Record<string, Omit<ResolvedResource, 'id'>>): ResourceBroker {
  const find = (id: string, node: NodeManifest): ResolvedResource => {
    const found = Object.hasOwn(resources, id) ? resources[id] : undefined;
    if (!found) throw new ResourceRefusal(`resource '${id}' does not exist`);
    const resource = { id, ...found };
    checkResourceUse(resource, node);
    return resource;
  };
  return {
    async httpGrant(id, node) {
      const resource = find(id, node);
      return { headers: credentialHeaders(resource), hosts: resourceHosts(resource) };
    },
    async signingKey(id, node) {
      const resource = find(id, node);
      if (resource.type !== 'http-auth')
        throw new ResourceRefusal(`resource '${id}' is not an http-auth resource`);
      return resource.secrets.value ?? '';
    },
    async sendMail(id, message, node) {
      const resource = find(id, node);
      if (resource.type !== 'smtp') throw new ResourceRefusal(`resource '${id}' is not an smtp resource`);
      return sendMail(resource, message);
    },
  };
}

/** The broker of a sandbox given none: every use of a resource is refused. */
export const NO_RESOURCES: ResourceBroker = {
  httpGrant: async (id) => {
    throw new ResourceRefusal(`resource '${id}' is not available here`);
  },
  sendMail: async (id) => {
    throw new ResourceRefusal(`resource '${id}' is not available here`);
  },
  signingKey: async (id) => {
    throw new ResourceRefusal(`resource '${id}' is not available here`);
  },
};
