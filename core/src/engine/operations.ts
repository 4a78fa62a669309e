import type { Json, JsonObject, ProfileOperation } from '@cairn/sdk';

export type OperationErrorCode =
  | 'invalid_operation'
  | 'invalid_path'
  | 'path_not_writable'
  | 'path_conflict'
  | 'not_a_number'
  | 'not_an_array'
  | 'invalid_profile';

/** Why a list of operations could not be applied; `index` is the failing operation's position. */
export interface OperationError {
  code: OperationErrorCode;
  message: string;
  index: number;
  path?: string;
}

export type ApplyOperationsResult = { ok: true; profile: JsonObject } | { ok: false; error: OperationError };

/** Operations may only write below these profile fields; everything else belongs to the host. */
export const WRITABLE_ROOTS: readonly string[] = ['traits', 'data', 'interests', 'stats.counters'];

/** Names that would reach an object's prototype instead of one of its fields. */
const RESERVED = new Set(['__proto__', 'prototype', 'constructor']);

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

class OperationFailure extends Error {
  constructor(
    readonly code: OperationErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function writablePath(path: unknown): string[] {
  if (typeof path !== 'string' || path === '') {
    throw new OperationFailure('invalid_path', 'path must be a non-empty string');
  }
  const segments = path.split('.');
  if (segments.includes(''))
    throw new OperationFailure('invalid_path', `path "${path}" has an empty segment`, path);
  const reserved = segments.find((segment) => RESERVED.has(segment));
  if (reserved !== undefined) {
    throw new OperationFailure('invalid_path', `path "${path}" uses the reserved name "${reserved}"`, path);
  }
  const writable = WRITABLE_ROOTS.some((root) => path.startsWith(`${root}.`));
  if (!writable) {
    const roots = WRITABLE_ROOTS.map((root) => `${root}.`).join(', ');
    throw new OperationFailure(
      'path_not_writable',
      `path "${path}" is not writable; write below ${roots}`,
      path,
    );
  }
  return segments;
}

/**
 * The object that holds the path's last field. With `create`, missing objects on the way are
 * created and a non-object on the way is an error; without, either means there is nothing there.
 */
function holder(profile: JsonObject, segments: string[], create: boolean): JsonObject | undefined {
  let current = profile;
  for (const [depth, key] of segments.slice(0, -1).entries()) {
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (isObject(next)) {
      current = writable(current, key, next);
      continue;
    }
    if (!create) return undefined;
    if (next !== undefined) {
      const at = segments.slice(0, depth + 1).join('.');
      throw new OperationFailure(
        'path_conflict',
        `${at} holds ${kind(next)}, not an object`,
        segments.join('.'),
      );
    }
    const created: JsonObject = {};
    owned.add(created);
    current[key] = created;
    current = created;
  }
  return current;
}

/**
 * Objects this `applyOperations` call made itself, and may therefore change. Everything else
 * still belongs to the caller's profile and is copied before its first change (copy on write),
 * so applying operations costs the paths it touches, not the size of the profile.
 */
let owned = new WeakSet<object>();

/** `parent[key]`, copied into `parent` first unless this call already owns it. */
function writable(parent: JsonObject, key: string, child: JsonObject): JsonObject {
  if (owned.has(child)) return child;
  const copy = { ...child };
  owned.add(copy);
  parent[key] = copy;
  return copy;
}

function field(
  profile: JsonObject,
  path: unknown,
): { target: JsonObject; key: string; current: Json | undefined } {
  const segments = writablePath(path);
  const target = holder(profile, segments, true)!;
  const key = segments.at(-1)!;
  return { target, key, current: Object.hasOwn(target, key) ? target[key] : undefined };
}

function requireName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '')
    throw new OperationFailure('invalid_operation', `${what} must be a non-empty string`);
  if (RESERVED.has(value))
    throw new OperationFailure('invalid_operation', `${what} "${value}" is a reserved name`);
  return value;
}

function segmentsOf(profile: JsonObject): string[] {
  const segments = profile.segments;
  if (segments === undefined) return [];
  if (!Array.isArray(segments) || !segments.every((segment) => typeof segment === 'string')) {
    throw new OperationFailure('invalid_profile', 'profile.segments is not a list of segment names');
  }
  return segments as string[];
}

function consentsOf(profile: JsonObject): JsonObject {
  const consents = profile.consents;
  if (consents === undefined) {
    const created: JsonObject = {};
    owned.add(created);
    profile.consents = created;
    return created;
  }
  if (!isObject(consents)) throw new OperationFailure('invalid_profile', 'profile.consents is not an object');
  return writable(profile, 'consents', consents);
}

function revokeTime(revokeAt: unknown): string | null {
  if (revokeAt === undefined) return null;
  const time = typeof revokeAt === 'string' && ISO_TIME.test(revokeAt) ? Date.parse(revokeAt) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new OperationFailure(
      'invalid_operation',
      'revokeAt must be an ISO-8601 date-time, e.g. 2030-01-31T00:00:00Z',
    );
  }
  return new Date(time).toISOString();
}

function applyOne(profile: JsonObject, operation: ProfileOperation): void {
  switch (operation.op) {
    case 'set': {
      if (operation.value === undefined) throw new OperationFailure('invalid_operation', 'value is required');
      const { target, key } = field(profile, operation.path);
      target[key] = structuredClone(operation.value);
      return;
    }
    case 'unset': {
      const segments = writablePath(operation.path);
      const target = holder(profile, segments, false);
      if (target) delete target[segments.at(-1)!];
      return;
    }
    case 'increment': {
      if (typeof operation.by !== 'number' || !Number.isFinite(operation.by)) {
        throw new OperationFailure('invalid_operation', 'by must be a finite number');
      }
      const { target, key, current } = field(profile, operation.path);
      if (current !== undefined && typeof current !== 'number') {
        const message = `cannot increment ${operation.path}: it holds ${kind(current)}, not a number`;
        throw new OperationFailure('not_a_number', message, operation.path);
      }
      const sum = (current ?? 0) + operation.by;
      if (!Number.isFinite(sum)) {
        throw new OperationFailure(
          'not_a_number',
          `incrementing ${operation.path} overflows`,
          operation.path,
        );
      }
      target[key] = sum;
      return;
    }
    case 'append': {
      if (operation.value === undefined) throw new OperationFailure('invalid_operation', 'value is required');
      const { target, key, current } = field(profile, operation.path);
      if (current !== undefined && !Array.isArray(current)) {
        const message = `cannot append to ${operation.path}: it holds ${kind(current)}, not a list`;
        throw new OperationFailure('not_an_array', message, operation.path);
      }
      target[key] = [...(current ?? []), structuredClone(operation.value)];
      return;
    }
    case 'segment.add':
    case 'segment.remove': {
      const segment = requireName(operation.segment, 'segment');
      const kept = segmentsOf(profile).filter((name) => name !== segment);
      if (operation.op === 'segment.add') kept.push(segment);
      profile.segments = [...new Set(kept)].sort();
      return;
    }
    case 'consent.grant': {
      const consent = requireName(operation.consent, 'consent');
      const revoke = revokeTime(operation.revokeAt);
      consentsOf(profile)[consent] = { revoke };
      return;
    }
    case 'consent.revoke': {
      const consent = requireName(operation.consent, 'consent');
      if (profile.consents !== undefined) delete consentsOf(profile)[consent];
      return;
    }
    default: {
      const name = JSON.stringify((operation as { op?: unknown }).op);
      throw new OperationFailure('invalid_operation', `unknown operation ${name}`);
    }
  }
}

function label(operation: unknown): string {
  if (typeof operation !== 'object' || operation === null) return 'operation';
  const { op, path } = operation as { op?: unknown; path?: unknown };
  return [op, path].filter((part) => typeof part === 'string').join(' ') || 'operation';
}

/**
 * Applies profile operations in order to a copy of `profile` and returns the copy; the input is
 * never changed. All or nothing: if one operation fails, none is applied and the error says
 * which one and why. The engine uses it for the in-flight profile of one event, and storage to
 * replay the same operations on the stored profile at commit.
 *
 * @example
 * const result = applyOperations(profile, [{ op: 'increment', path: 'stats.counters.reviews', by: 1 }]);
 * if (!result.ok) throw new Error(result.error.message);
 */
export function applyOperations(
  profile: JsonObject,
  operations: readonly ProfileOperation[],
): ApplyOperationsResult {
  const next = { ...profile };
  owned = new WeakSet([next]);
  for (const [index, operation] of operations.entries()) {
    try {
      if (typeof operation !== 'object' || operation === null) {
        throw new OperationFailure('invalid_operation', 'an operation must be an object');
      }
      applyOne(next, operation);
    } catch (failure) {
      const message = `operations[${index}] (${label(operation)}): ${failure instanceof Error ? failure.message : String(failure)}`;
      const error: OperationError = {
        code: failure instanceof OperationFailure ? failure.code : 'invalid_operation',
        message,
        index,
      };
      if (failure instanceof OperationFailure && failure.path !== undefined) error.path = failure.path;
      return { ok: false, error };
    }
  }
  return { ok: true, profile: next };
}
