import { definePlugin } from '@cairn/sdk';
import { callWebhook } from './call-webhook.js';

/** The built-in webhook node: one templated HTTP call per event, credentials kept on the server. */
export default definePlugin({
  name: '@cairn/plugin-webhook',
  version: '0.1.0',
  title: 'Webhook',
  description: 'Calls HTTP endpoints with templated requests, server-side credentials and signed bodies',
  cairn: '^0.1.0',
  nodes: [callWebhook],
});
