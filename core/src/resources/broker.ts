import type { NodeManifest } from '@cairn/sdk';
import {
  type CredentialSet,
  checkResourceUse,
  credentialHeaders,
  type MailRequest,
  type ResolvedResource,
  type ResourceBroker,
  ResourceRefusal,
  resourceHosts,
  sendMail,
} from '@cairn/sdk/sandbox';
import { ApiError } from '../http/errors.js';
import type { ResourceStore } from './resources.js';

/**
 * The server's resource broker: resources come from the encrypted store, in the credential set
 * the run uses (debug runs: test), and only for the resource types the node declared.
 */
export function storeBroker(store: ResourceStore): ResourceBroker {
  const resolve = async (
    id: string,
    node: NodeManifest,
    set: CredentialSet,
    type?: string,
  ): Promise<ResolvedResource> => {
    let resource: ResolvedResource;
    try {
      resource = await store.credentials(id, set);
    } catch (error) {
      if (error instanceof ApiError) throw new ResourceRefusal(error.message);
      throw error;
    }
    checkResourceUse(resource, node);
    if (type !== undefined && resource.type !== type) {
      throw new ResourceRefusal(`resource '${id}' is a ${resource.type} resource, not ${type}`);
    }
    return resource;
  };
  return {
    async httpGrant(id, node, set) {
      const resource = await resolve(id, node, set);
      return { headers: credentialHeaders(resource), hosts: resourceHosts(resource) };
    },
    async sendMail(id, message: MailRequest, node, set) {
      return sendMail(await resolve(id, node, set, 'smtp'), message);
    },
    async signingKey(id, node, set) {
      return (await resolve(id, node, set, 'http-auth')).secrets.value ?? '';
    },
  };
}
