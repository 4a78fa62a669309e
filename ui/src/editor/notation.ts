import type { JsonObject, JsonValue } from '../api/types';

/** The sources a reference may start with (docs/notation.md). */
export const SOURCES = ['profile', 'event', 'session', 'payload', 'flow'] as const;

/** The fields every profile, event and session has, so suggestions work before any sample. */
const SKELETON: Record<(typeof SOURCES)[number], JsonObject> = {
  profile: {
    id: '',
    ids: [],
    traits: {},
    data: {
      pii: { firstname: '', lastname: '' },
      contact: { email: { main: '' }, phone: { mobile: '' } },
    },
    stats: { visits: 0, views: 0, counters: {} },
    segments: [],
    consents: {},
    interests: {},
    metadata: { time: { create: '', update: '', visit: { last: '', current: '', count: 0 } } },
  },
  event: {
    id: '',
    type: '',
    properties: {},
    context: {},
    tags: [],
    source: { id: '' },
    session: { id: '' },
    profile: { id: '' },
    metadata: { time: { create: '' }, status: '' },
  },
  session: { id: '', context: {}, device: {}, utm: {} },
  payload: {},
  flow: { id: '', name: '', version: 0, node: { id: '', input: '' } },
};

const BARE_KEY = /^[A-Za-z0-9_$\u0080-\uFFFF-]+$/;

function pathsOf(value: JsonValue | undefined, prefix: string, depth: number, out: string[]): void {
  if (depth > 6 || out.length > 2000) return;
  if (Array.isArray(value)) {
    if (value.length > 0) {
      const item = `${prefix}[0]`;
      out.push(item);
      pathsOf(value[0], item, depth + 1, out);
    }
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const piece = BARE_KEY.test(key)
        ? prefix.endsWith('@')
          ? key
          : `.${key}`
        : `["${key.replace(/"/g, '\\"')}"]`;
      const path = `${prefix}${piece}`;
      out.push(path);
      pathsOf(child, path, depth + 1, out);
    }
  }
}

function merge(base: JsonValue, extra: JsonValue | undefined): JsonValue {
  if (extra === undefined) return base;
  if (
    base &&
    extra &&
    typeof base === 'object' &&
    typeof extra === 'object' &&
    !Array.isArray(base) &&
    !Array.isArray(extra)
  ) {
    const out: JsonObject = { ...base };
    for (const [k, v] of Object.entries(extra)) out[k] = merge(base[k] ?? null, v);
    return out;
  }
  return extra;
}

export interface NotationSample {
  event?: JsonObject;
  profile?: JsonObject | null;
  session?: JsonObject | null;
}

/** Every reference the sample (merged over the usual fields) offers, e.g. `profile@traits.name`. */
export function referencesOf(sample: NotationSample): string[] {
  const out: string[] = [];
  for (const source of SOURCES) {
    let value: JsonValue = SKELETON[source];
    if (source === 'profile') value = merge(value, sample.profile ?? undefined);
    if (source === 'event' || source === 'payload') value = merge(value, sample.event ?? undefined);
    if (source === 'session') value = merge(value, sample.session ?? undefined);
    out.push(`${source}@`);
    pathsOf(value, `${source}@`, 0, out);
  }
  return out;
}

/** The unfinished reference at the end of `text`, with where it starts and whether it is in `{{`. */
export function referenceAtEnd(text: string): { token: string; start: number; inBraces: boolean } | null {
  const open = text.lastIndexOf('{{');
  const inBraces = open >= 0 && text.indexOf('}}', open) < 0;
  const match = /[A-Za-z]+(@[^\s(),{}]*)?$/.exec(text);
  if (!match) return null;
  const token = match[0];
  const source = token.split('@')[0]!;
  if (!token.includes('@') && !SOURCES.some((s) => s.startsWith(source))) return null;
  return { token, start: match.index, inBraces };
}

/** Completions for the end of `text`: whole new texts with a reference filled in. */
export function completions(
  text: string,
  references: string[],
  limit = 12,
): { label: string; value: string }[] {
  const at = referenceAtEnd(text);
  if (!at) return [];
  const lower = at.token.toLowerCase();
  const picked = references
    .filter((r) => r.toLowerCase().startsWith(lower) && r !== at.token)
    .slice(0, limit);
  const before = text.slice(0, at.start);
  return picked.map((reference) => ({
    label: reference,
    value: `${before}${reference}`,
  }));
}
