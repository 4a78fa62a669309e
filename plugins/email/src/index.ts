import { definePlugin } from '@cairn/sdk';
import { sendEmail } from './send-email.js';

/** The built-in e-mail connector. */
export default definePlugin({
  name: '@cairn/plugin-email',
  version: '0.1.0',
  title: 'E-mail',
  description: 'Sends templated e-mail through an SMTP resource to profiles that consented',
  cairn: '^0.1.0',
  nodes: [sendEmail],
});
