import { UAParser } from 'ua-parser-js';

export interface ParsedUserAgent {
  device: { type: string; brand: string | null; model: string | null };
  os: { name: string | null; version: string | null };
  app: { type: string; name: string | null; version: string | null; bot: boolean; language: string | null };
}

const BOT_PATTERN = /bot|crawl|spider|slurp|curl|wget|python-requests|httpclient|headless/i;

/** Device, OS and browser/app of a session, read from the User-Agent header. */
export function parseUserAgent(userAgent: string | undefined, language: string | undefined): ParsedUserAgent {
  const result = new UAParser(userAgent ?? '').getResult();
  const bot = userAgent ? BOT_PATTERN.test(userAgent) : false;
  return {
    device: {
      // The parser leaves desktop devices untyped.
      type: result.device.type ?? (bot ? 'bot' : userAgent ? 'desktop' : 'unknown'),
      brand: result.device.vendor ?? null,
      model: result.device.model ?? null,
    },
    os: { name: result.os.name ?? null, version: result.os.version ?? null },
    app: {
      type: bot ? 'bot' : result.browser.name ? 'browser' : 'unknown',
      name: result.browser.name ?? null,
      version: result.browser.version ?? null,
      bot,
      language: language?.split(',')[0]?.trim() || null,
    },
  };
}
