const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

export type Utm = Partial<Record<(typeof UTM_KEYS)[number], string>>;

function fromUrl(url: unknown): Utm {
  if (typeof url !== 'string') return {};
  try {
    const params = new URL(url).searchParams;
    const utm: Utm = {};
    for (const key of UTM_KEYS) {
      const value = params.get(`utm_${key}`);
      if (value) utm[key] = value.slice(0, 256);
    }
    return utm;
  } catch {
    return {};
  }
}

/**
 * UTM parameters of a visit: an explicit `context.utm` object wins, else the `utm_*` query
 * parameters of the page URL (`context.page.url`) the tracker reported.
 */
export function extractUtm(context: Record<string, unknown> | undefined): Utm {
  const explicit = context?.utm;
  if (explicit && typeof explicit === 'object' && !Array.isArray(explicit)) {
    const utm: Utm = {};
    for (const key of UTM_KEYS) {
      const value = (explicit as Record<string, unknown>)[key];
      if (typeof value === 'string' && value) utm[key] = value.slice(0, 256);
    }
    if (Object.keys(utm).length > 0) return utm;
  }
  const page = context?.page as Record<string, unknown> | undefined;
  return fromUrl(page?.url);
}
