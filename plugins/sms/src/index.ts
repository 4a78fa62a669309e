import { definePlugin } from '@cairn/sdk';
import { sendSms } from './send-sms.js';

/** The built-in SMS connector. */
export default definePlugin({
  name: '@cairn/plugin-sms',
  version: '0.1.0',
  title: 'SMS',
  description:
    "Sends templated text messages through Twilio's Messages API, or a compatible provider, to profiles that consented",
  cairn: '^0.1.0',
  nodes: [sendSms],
});
