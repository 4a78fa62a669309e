/**
 * The helpers a condition can call. Each takes already-evaluated arguments and never throws:
 * an argument of the wrong type makes a predicate false and any other helper return no value,
 * which in turn makes comparisons with it false.
 */
import type { Json, JsonObject } from '../contract.js';
import { isJsonObject } from './access.js';
import type { LiteralValue } from './condition-ast.js';
import { Instant, parseIsoInstant, toInstant } from './instant.js';

/** What a condition computes with: JSON, a point in time, or no value at all (`undefined`). */
export type ConditionValue = Json | Instant | undefined;

export interface EvaluationEnvironment {
  /** The current time in epoch milliseconds, fixed for one evaluation. */
  now: number;
}

export interface ConditionFunction {
  /** Smallest and largest number of arguments. */
  arity: readonly [number, number];
  /** Checks literal arguments when the condition is parsed; returns a reason to reject them. */
  checkLiterals?: (
    literals: readonly (LiteralValue | undefined)[],
  ) => { argument: number; reason: string } | undefined;
  apply: (args: readonly ConditionValue[], environment: EvaluationEnvironment) => ConditionValue;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const REGEX_FLAGS = /^[imsu]*$/;
const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const text = (value: ConditionValue): value is string => typeof value === 'string';
const record = (value: ConditionValue): value is JsonObject =>
  !(value instanceof Instant) && isJsonObject(value);

function isEmpty(value: ConditionValue): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return record(value) && Object.keys(value).length === 0;
}

function compileRegex(pattern: string, flags: string): RegExp | undefined {
  if (!REGEX_FLAGS.test(flags)) return undefined;
  try {
    return new RegExp(pattern, flags);
  } catch {
    return undefined;
  }
}

function elapsed(value: ConditionValue, environment: EvaluationEnvironment, unit: number): ConditionValue {
  const instant = toInstant(value);
  return instant === undefined ? undefined : Math.floor((environment.now - instant.ms) / unit);
}

/** Deep equality of JSON values and instants; a missing value equals `null`. */
export function valuesEqual(left: ConditionValue, right: ConditionValue): boolean {
  const a = left ?? null;
  const b = right ?? null;
  if (a instanceof Instant || b instanceof Instant) {
    return a instanceof Instant && b instanceof Instant && a.ms === b.ms;
  }
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  }
  if (record(a) && record(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && valuesEqual(a[key], b[key]))
    );
  }
  return false;
}

export const CONDITION_FUNCTIONS: ReadonlyMap<string, ConditionFunction> = new Map<string, ConditionFunction>(
  [
    ['exists', { arity: [1, 1], apply: ([value]) => value !== undefined && value !== null }],
    ['empty', { arity: [1, 1], apply: ([value]) => isEmpty(value) }],
    [
      'starts_with',
      { arity: [2, 2], apply: ([value, prefix]) => text(value) && text(prefix) && value.startsWith(prefix) },
    ],
    [
      'ends_with',
      { arity: [2, 2], apply: ([value, suffix]) => text(value) && text(suffix) && value.endsWith(suffix) },
    ],
    [
      'contains',
      {
        arity: [2, 2],
        apply: ([haystack, needle]) => {
          if (text(haystack)) return text(needle) && haystack.includes(needle);
          if (Array.isArray(haystack)) return haystack.some((item) => valuesEqual(item, needle));
          if (record(haystack)) return text(needle) && Object.hasOwn(haystack, needle);
          return false;
        },
      },
    ],
    [
      'matches',
      {
        arity: [2, 3],
        checkLiterals: ([, pattern, flags]) => {
          if (typeof pattern !== 'string') return undefined;
          if (flags !== undefined && (typeof flags !== 'string' || !REGEX_FLAGS.test(flags))) {
            return { argument: 2, reason: "regular expression flags may only be 'i', 'm', 's' and 'u'" };
          }
          return compileRegex(pattern, typeof flags === 'string' ? flags : '') === undefined
            ? { argument: 1, reason: `invalid regular expression ${JSON.stringify(pattern)}` }
            : undefined;
        },
        apply: ([value, pattern, flags = '']) => {
          if (!text(value) || !text(pattern) || !text(flags)) return false;
          return compileRegex(pattern, flags)?.test(value) ?? false;
        },
      },
    ],
    ['lower', { arity: [1, 1], apply: ([value]) => (text(value) ? value.toLowerCase() : undefined) }],
    ['upper', { arity: [1, 1], apply: ([value]) => (text(value) ? value.toUpperCase() : undefined) }],
    ['trim', { arity: [1, 1], apply: ([value]) => (text(value) ? value.trim() : undefined) }],
    [
      'length',
      {
        arity: [1, 1],
        apply: ([value]) => {
          if (text(value)) return [...value].length;
          if (Array.isArray(value)) return value.length;
          if (record(value)) return Object.keys(value).length;
          return undefined;
        },
      },
    ],
    [
      'number',
      {
        arity: [1, 1],
        apply: ([value]) => {
          if (typeof value === 'number') return value;
          return text(value) && NUMERIC_TEXT.test(value.trim()) ? Number(value.trim()) : undefined;
        },
      },
    ],
    ['now', { arity: [0, 0], apply: (_, environment) => new Instant(environment.now) }],
    [
      'date',
      {
        arity: [1, 1],
        checkLiterals: ([value]) =>
          typeof value === 'string' && parseIsoInstant(value) === undefined
            ? {
                argument: 0,
                reason: `invalid date ${JSON.stringify(value)}; expected ISO 8601 such as "2026-01-31" or "2026-01-31T09:30:00Z"`,
              }
            : undefined,
        apply: ([value]) => toInstant(value),
      },
    ],
    ['days_since', { arity: [1, 1], apply: ([value], environment) => elapsed(value, environment, DAY_MS) }],
    ['hours_since', { arity: [1, 1], apply: ([value], environment) => elapsed(value, environment, HOUR_MS) }],
  ],
);
