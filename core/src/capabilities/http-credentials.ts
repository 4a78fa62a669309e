import { authorisationHeaders } from '../resources/connection-test.js';
import type { Credentials } from '../resources/resources.js';

/**
 * The headers a resource adds to a plugin's HTTP request, set by the host after the plugin's own
 * headers so a plugin cannot override (or read) them.
 */
export function credentialHeaders(credentials: Credentials): Record<string, string> {
  const { config, secrets } = credentials;
  switch (credentials.type) {
    case 'http-auth':
      return authorisationHeaders(credentials);
    case 'twilio':
      return {
        authorization: `Basic ${Buffer.from(`${config.accountSid as string}:${secrets.authToken ?? ''}`).toString('base64')}`,
      };
    case 'ai-provider':
      return secrets.apiKey ? { authorization: `Bearer ${secrets.apiKey}` } : {};
    case 'smtp':
      return {};
  }
}
