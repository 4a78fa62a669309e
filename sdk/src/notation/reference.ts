/**
 * References name one value in the workflow context: `source@path`, for example
 * `profile@traits.age`, `event@properties.items[0].price` or `session@["user agent"]`.
 */
import { NotationError } from './errors.js';

/** The parts of the workflow context a reference can read. */
export const SOURCES = ['profile', 'event', 'session', 'payload', 'flow', 'memory'] as const;
export type Source = (typeof SOURCES)[number];

/** A key of an object (string) or an index into an array (number). */
export type PathSegment = string | number;

export interface Reference {
  source: Source;
  path: PathSegment[];
}

/**
 * Characters allowed in a bare key after `.`; anything else is written as a quoted key, `["a b"]`.
 * Letters outside ASCII are allowed so keys in any language need no quoting; the ranges leave out
 * the Unicode space and punctuation blocks.
 */
const KEY_CHAR_CLASS = 'A-Za-z0-9_$\\-\\u00C0-\\u1FFF\\u2C00-\\u2FFF\\u3001-\\uFFEF';

const KEY = new RegExp(`[${KEY_CHAR_CLASS}]+`, 'y');
const SOURCE_PREFIX = /^([A-Za-z_][A-Za-z0-9_]*)@/;
const INDEX = /[0-9]+/y;
const SOURCE_SET: ReadonlySet<string> = new Set(SOURCES);

/**
 * Reads `source@path`. The path may be empty (`payload@` is the whole payload).
 *
 * @example parseReference('event@properties.items[0].price')
 * // → { source: 'event', path: ['properties', 'items', 0, 'price'] }
 * @throws NotationError `malformed-reference` or `unknown-source`, with the offset of the problem.
 */
export function parseReference(text: string): Reference {
  const prefix = SOURCE_PREFIX.exec(text);
  if (!prefix) {
    throw new NotationError(
      'malformed-reference',
      `malformed reference '${text}': expected 'source@path', e.g. 'profile@traits.age'`,
      0,
    );
  }
  const name = prefix[1]!;
  if (!isSource(name)) {
    throw new NotationError(
      'unknown-source',
      `unknown source '${name}' in '${text}': expected one of ${SOURCES.join(', ')}`,
      0,
    );
  }
  return { source: name, path: readPath(text, prefix[0].length, 'reference') };
}

/**
 * Reads a path without a source, as used by profile operations: `traits.age`, `items[0]`,
 * `["first name"]`. The empty string is the empty path.
 */
export function parsePath(text: string): PathSegment[] {
  return readPath(text, 0, 'path');
}

/** True when `text` is, in its entirety, a well-formed reference to a known source. */
export function isReference(text: string): boolean {
  const prefix = SOURCE_PREFIX.exec(text);
  if (!prefix || !isSource(prefix[1]!)) return false;
  try {
    readPath(text, prefix[0].length, 'reference');
    return true;
  } catch (error) {
    if (error instanceof NotationError) return false;
    throw error;
  }
}

export function isSource(name: string): name is Source {
  return SOURCE_SET.has(name);
}

/** Writes a reference back as text in its canonical form; `parseReference` reads it back unchanged. */
export function formatReference(reference: Reference): string {
  return `${reference.source}@${formatPath(reference.path)}`;
}

/** Writes a path as text; `parsePath` reads it back unchanged. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (isBareKey(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `["${segment.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`;
    }
  }
  return text;
}

function isBareKey(key: string): boolean {
  KEY.lastIndex = 0;
  return KEY.test(key) && KEY.lastIndex === key.length;
}

function readPath(text: string, start: number, kind: 'reference' | 'path'): PathSegment[] {
  const path: PathSegment[] = [];
  const fail = (reason: string, offset: number): never => {
    throw new NotationError(
      'malformed-reference',
      `malformed ${kind} '${text}': ${reason} at column ${offset + 1}`,
      offset,
    );
  };
  const readKey = (at: number, after: string): number => {
    KEY.lastIndex = at;
    const match = KEY.exec(text);
    if (!match) {
      const found = at < text.length ? `'${text[at]}'` : 'the end';
      return fail(`expected a key ${after} but found ${found}`, at);
    }
    path.push(match[0]);
    return at + match[0].length;
  };
  const readBracket = (at: number): number => {
    const quote = text[at + 1];
    if (quote === '"' || quote === "'") {
      let key = '';
      let pos = at + 2;
      while (pos < text.length && text[pos] !== quote) {
        if (text[pos] === '\\' && pos + 1 < text.length) pos++;
        key += text[pos];
        pos++;
      }
      if (pos >= text.length) return fail(`unterminated quoted key`, at + 1);
      if (text[pos + 1] !== ']') return fail(`expected ']' after the quoted key`, pos + 1);
      path.push(key);
      return pos + 2;
    }
    INDEX.lastIndex = at + 1;
    const digits = INDEX.exec(text);
    if (!digits) return fail(`expected an index (0, 1, ...) or a quoted key after '['`, at + 1);
    const end = at + 1 + digits[0].length;
    if (text[end] !== ']') return fail(`expected ']'`, end);
    const index = Number(digits[0]);
    if (!Number.isSafeInteger(index)) return fail(`index ${digits[0]} is too large`, at + 1);
    path.push(index);
    return end + 1;
  };

  let pos = start;
  if (pos < text.length && text[pos] !== '[') {
    pos = readKey(pos, kind === 'reference' ? "after '@'" : "or '[' at the start");
  }
  while (pos < text.length) {
    const char = text[pos];
    if (char === '.') pos = readKey(pos + 1, "after '.'");
    else if (char === '[') pos = readBracket(pos);
    else fail(`unexpected '${char}'`, pos);
  }
  return path;
}
