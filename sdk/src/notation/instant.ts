/**
 * Points in time for the condition language. JSON has no date type, so dates arrive as ISO 8601
 * strings or as epoch milliseconds; conditions turn both into an `Instant` before comparing.
 */
import type { Json } from '../contract.js';

/** A point in time, in milliseconds since 1970-01-01T00:00:00Z. */
export class Instant {
  constructor(readonly ms: number) {}
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Reads an ISO 8601 date or date-time: `2026-01-31`, `2026-01-31T09:30`, `2026-01-31 09:30:00`,
 * `2026-01-31T09:30:00.123456+02:00`. A value without an offset is taken as UTC, so the result
 * never depends on the time zone of the machine. Fractions beyond milliseconds are dropped.
 * Returns `undefined` for anything else, including impossible dates such as `2026-02-30`.
 */
export function parseIsoInstant(text: string): Instant | undefined {
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const parts = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
  if (parts.month < 1 || parts.month > 12 || parts.hour > 23 || parts.minute > 59 || parts.second > 59) {
    return undefined;
  }
  const date = new Date(0);
  date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  if (date.getUTCDate() !== parts.day) return undefined;
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  date.setUTCHours(parts.hour, parts.minute, parts.second, ms);
  return new Instant(date.getTime() - zoneOffsetMinutes(zone) * 60_000);
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/**
 * The instant a value stands for: an `Instant` itself, an ISO 8601 string, or a finite number of
 * epoch milliseconds. Anything else has no instant.
 */
export function toInstant(value: Json | Instant | undefined): Instant | undefined {
  if (value instanceof Instant) return value;
  if (typeof value === 'string') return parseIsoInstant(value);
  if (typeof value === 'number' && Number.isFinite(value)) return new Instant(value);
  return undefined;
}
