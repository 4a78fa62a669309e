import { defineNode } from '@cairn/sdk';
import { webhookConfig } from './config.js';
import { notationContext } from './notation-context.js';
import { buildRequest } from './request.js';
import { isFailure, readReply, requestFailure } from './response.js';

/**
 * Calls an HTTP endpoint the operator configures. The host adds the credential and the body
 * signature after the node's own headers, so neither the plugin nor the flow ever holds a secret.
 */
export const callWebhook = defineNode({
  id: 'call-webhook',
  title: 'Call webhook',
  description:
    'Sends an HTTP request built from templates, with credentials and an HMAC body signature added by the server; 2xx answers go to response, everything else to error',
  category: 'connectors',
  icon: 'webhook',
  inputs: ['in'],
  outputs: ['response', 'error'],
  config: webhookConfig,
  // The operator types the URL, so any public host may be called; private and local addresses
  // stay refused unless the server's allow-list names them.
  permissions: { http: { hosts: ['*'] } },
  resources: ['http-auth'],
  async run(ctx) {
    const { config } = ctx;
    const request = buildRequest(config, notationContext(ctx), (id) => ctx.resources.get(id));
    const target = `${request.method} ${withoutQuery(request.url)}`;
    let outcome: ReturnType<typeof readReply>;
    try {
      const reply = await ctx.http.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(config.auth === undefined ? {} : { resource: config.auth }),
        ...(config.signature === undefined
          ? {}
          : { sign: { resource: config.signature, header: config.signatureHeader } }),
        ...(config.retries > 0 ? { retry: { attempts: config.retries } } : {}),
        timeoutMs: config.timeoutMs,
      });
      outcome = readReply(reply, target);
    } catch (error) {
      outcome = requestFailure(error);
    }
    if (isFailure(outcome)) {
      ctx.log.error(`${target} failed (${outcome.error.code}): ${outcome.error.message}`);
      return ctx.emit('error', outcome);
    }
    ctx.log.info(`${target} answered ${outcome.status}`);
    return ctx.emit('response', outcome);
  },
});

/** The query string may carry values the operator put there; the trace line does without them. */
function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
