import { credentialHeaders } from '@cairn/sdk/sandbox';
import { createTransport } from 'nodemailer';
import type { Credentials } from './resources.js';

export interface ConnectionResult {
  ok: boolean;
  message: string;
}

const TIMEOUT_MS = 10_000;

async function httpCheck(
  url: string,
  headers: Record<string, string>,
  what: string,
): Promise<ConnectionResult> {
  try {
    const response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
    await response.body?.cancel();
    if (response.ok) return { ok: true, message: `${what} answered ${response.status}.` };
    return { ok: false, message: `${what} answered ${response.status} ${response.statusText}.` };
  } catch (error) {
    return { ok: false, message: `${what} could not be reached: ${(error as Error).message}` };
  }
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * Checks that a resource's credentials work, the way its capability will use them: an SMTP
 * login, an authenticated read of the Twilio account, the AI provider's model list, or the
 * configured test URL with the HTTP credential.
 */
export async function testConnection(credentials: Credentials): Promise<ConnectionResult> {
  const { config, secrets } = credentials;
  switch (credentials.type) {
    case 'smtp': {
      const transport = createTransport({
        host: config.host as string,
        port: config.port as number,
        secure: config.secure === true,
        connectionTimeout: TIMEOUT_MS,
        ...(config.username
          ? { auth: { user: config.username as string, pass: secrets.password ?? '' } }
          : {}),
      });
      try {
        await transport.verify();
        return {
          ok: true,
          message: `Connected to ${config.host}:${config.port}${config.username ? ' and logged in' : ''}.`,
        };
      } catch (error) {
        return { ok: false, message: `SMTP check failed: ${(error as Error).message}` };
      } finally {
        transport.close();
      }
    }
    case 'twilio': {
      const base = ((config.baseUrl as string | undefined) ?? 'https://api.twilio.com').replace(/\/$/, '');
      const sid = encodeURIComponent(config.accountSid as string);
      return httpCheck(
        `${base}/2010-04-01/Accounts/${sid}.json`,
        { authorization: basic(config.accountSid as string, secrets.authToken ?? '') },
        'The messaging API',
      );
    }
    case 'ai-provider': {
      const base = (config.baseUrl as string).replace(/\/$/, '');
      return httpCheck(
        `${base}/models`,
        secrets.apiKey ? { authorization: `Bearer ${secrets.apiKey}` } : {},
        'The AI provider',
      );
    }
    case 'http-auth': {
      if (!config.testUrl) return { ok: false, message: 'Set config.testUrl to test this credential.' };
      return httpCheck(config.testUrl as string, credentialHeaders(credentials), 'The test URL');
    }
  }
}
