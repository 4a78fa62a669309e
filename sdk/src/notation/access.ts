/**
 * Reading and writing values by path. Reads never throw for missing data: a path that leads
 * nowhere yields `undefined`. Writes return a new value and leave their input untouched.
 */
import type { Json, JsonObject } from '../contract.js';
import { NotationError } from './errors.js';
import {
  formatPath,
  isSource,
  type PathSegment,
  parsePath,
  parseReference,
  type Reference,
  SOURCES,
  type Source,
} from './reference.js';

/**
 * The values a reference can read. Sources that are absent read as missing; `memory` is only
 * present where the host keeps values across nodes.
 */
export type NotationContext = { readonly [S in Source]?: Json };

/**
 * The value a reference points at, or `undefined` when any step of the path is missing.
 *
 * @example get(ctx, 'profile@traits.age') // → 42
 * @throws NotationError when `reference` is malformed or names an unknown source.
 */
export function get(context: NotationContext, reference: string | Reference): Json | undefined {
  const { source, path } = typeof reference === 'string' ? parseReference(reference) : reference;
  if (!isSource(source)) {
    throw new NotationError(
      'unknown-source',
      `unknown source '${String(source)}': expected one of ${SOURCES.join(', ')}`,
    );
  }
  return getIn(Object.hasOwn(context, source) ? context[source] : undefined, path);
}

/**
 * Follows `path` into `value`. Numbers index arrays; on an array a key made of digits also works
 * as an index (`items.0`). Only own properties are read, so `constructor` or `__proto__` never
 * reach into JavaScript internals.
 */
export function getIn(value: Json | undefined, path: readonly PathSegment[] | string): Json | undefined {
  let current = value;
  for (const segment of typeof path === 'string' ? parsePath(path) : path) {
    if (Array.isArray(current)) {
      const index = asIndex(segment);
      if (index === undefined || index >= current.length) return undefined;
      current = current[index];
    } else if (isJsonObject(current)) {
      const key = String(segment);
      if (!Object.hasOwn(current, key)) return undefined;
      current = current[key];
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Returns a copy of `target` with `value` placed at `path`; `target` itself is not modified and
 * branches off the path are shared with it. Missing containers on the way are created: an array
 * when the next segment is an index, an object otherwise. Writing past the end of an array fills
 * the gap with `null`, since JSON arrays have no holes.
 *
 * @example setIn({ a: 1 }, 'b.c[1]', true) // → { a: 1, b: { c: [null, true] } }
 * @throws NotationError `path-conflict` when the path runs through a string, number or boolean,
 *   or uses a non-numeric key on an array; `malformed-reference` when a string path is malformed.
 */
export function setIn(target: Json | undefined, path: readonly PathSegment[] | string, value: Json): Json {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  return setFrom(target, segments, 0, value);
}

function setFrom(current: Json | undefined, path: readonly PathSegment[], at: number, value: Json): Json {
  if (at === path.length) return value;
  const segment = path[at]!;
  const container = current ?? (typeof segment === 'number' ? [] : {});
  if (Array.isArray(container)) {
    const index = asIndex(segment);
    if (index === undefined) throw conflict(path, at, `an array, which has no key '${segment}'`);
    const copy = container.slice();
    while (copy.length < index) copy.push(null);
    copy[index] = setFrom(container[index], path, at + 1, value);
    return copy;
  }
  if (isJsonObject(container)) {
    const key = String(segment);
    const copy: JsonObject = { ...container };
    const next = Object.hasOwn(container, key) ? container[key] : undefined;
    // defineProperty, not assignment: a key named `__proto__` must become data, not a prototype.
    Object.defineProperty(copy, key, {
      value: setFrom(next, path, at + 1, value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return copy;
  }
  throw conflict(path, at, describe(container));
}

function conflict(path: readonly PathSegment[], at: number, found: string): NotationError {
  const parent = at === 0 ? 'the root value' : `'${formatPath(path.slice(0, at))}'`;
  return new NotationError('path-conflict', `cannot set '${formatPath(path)}': ${parent} is ${found}`);
}

function describe(value: Json): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return 'a boolean';
}

function asIndex(segment: PathSegment): number | undefined {
  if (typeof segment === 'number') return segment;
  return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : undefined;
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
