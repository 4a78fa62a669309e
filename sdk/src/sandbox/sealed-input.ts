import type { Json } from '../contract.js';

/** JSON texts of sealed values; a sealed value is deep-frozen, so its text can never go stale. */
const texts = new WeakMap<object, string>();

function check(value: unknown, path: string, open: Set<object>): void {
  if (value === null) return;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`sealInput: ${path} is not a finite number`);
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`sealInput: ${path} is not JSON (${typeof value})`);
  }
  if (open.has(value)) throw new TypeError(`sealInput: ${path} refers back to itself`);
  const prototype = Object.getPrototypeOf(value);
  const isList = Array.isArray(value);
  if (isList ? prototype !== Array.prototype : prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`sealInput: ${path} is not a plain object or array`);
  }
  open.add(value);
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const key of Object.keys(descriptors)) {
    if (isList && key === 'length') continue;
    const descriptor = descriptors[key] as PropertyDescriptor;
    // A getter could answer differently on every call; a JSON value has data properties only.
    if (!('value' in descriptor)) throw new TypeError(`sealInput: ${path}.${key} is an accessor`);
    check(descriptor.value, isList ? `${path}[${key}]` : `${path}.${key}`, open);
  }
  open.delete(value);
}

function deepFreeze(value: unknown): void {
  // Frozen or not: a caller may have frozen only the outer object.
  if (value === null || typeof value !== 'object') return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

/**
 * Deep-freezes a JSON value and remembers its JSON text, so sandbox calls given this very object
 * (as any input section) reuse the text instead of serialising the value again. Meant for what
 * many calls share: an event and its session across a flow's nodes, a node's deployed config.
 * Returns `value` itself, now read-only for everyone, the caller included.
 *
 * @throws TypeError when `value` is not plain JSON data (a class instance such as a `Date`, an
 *   accessor, a function, a non-finite number, a cycle); nothing is frozen then.
 */
export function sealInput<T extends Json>(value: T): T {
  if (value === null || typeof value !== 'object' || texts.has(value)) return value;
  // Check the whole value before freezing any of it, so a refused value stays as it was.
  check(value, 'value', new Set());
  deepFreeze(value);
  texts.set(value, JSON.stringify(value));
  return value;
}

/**
 * Parses JSON text into a deep-frozen value sealed with that very text: what
 * `sealInput(JSON.parse(text))` gives, without serialising the value again. Meant for input that
 * arrives as JSON (from another process, say) and is handed to many sandbox calls.
 *
 * @throws SyntaxError when `text` is not JSON.
 */
export function parseSealed(text: string): Json {
  const value = JSON.parse(text) as Json;
  if (value !== null && typeof value === 'object') {
    deepFreeze(value);
    texts.set(value, text);
  }
  return value;
}

/** The JSON text `sealInput` or `parseSealed` recorded for `value`, if it sealed this very object. */
export function sealedText(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? texts.get(value) : undefined;
}
