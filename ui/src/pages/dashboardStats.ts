import type { EventStats } from '../api/types';

/** The windows the dashboard offers: how far back, in buckets of which size. */
export const RANGES = {
  hour: { label: 'Last hour', bucket: 'minute', buckets: 60, ms: 60_000, per: 'minute' },
  day: { label: 'Last 24 hours', bucket: 'hour', buckets: 24, ms: 3_600_000, per: 'hour' },
  month: { label: 'Last 30 days', bucket: 'day', buckets: 30, ms: 86_400_000, per: 'day' },
} as const;
export type RangeKey = keyof typeof RANGES;

/** `from` and `to` of a window ending with the current bucket, so the newest bucket is the one filling up. */
export function windowOf(range: RangeKey, now: number): { from: string; to: string; bucket: string } {
  const { bucket, buckets, ms } = RANGES[range];
  // Buckets start on the local clock, so a day's bar is a calendar day here.
  const offset = new Date(now).getTimezoneOffset() * 60_000;
  const to = Math.floor((now - offset) / ms) * ms + ms + offset;
  return { from: new Date(to - buckets * ms).toISOString(), to: new Date(to).toISOString(), bucket };
}

export interface DashboardStats {
  total: number;
  errors: number;
  series: { labels: string[]; ok: number[]; errors: number[] };
  byType: [string, number][];
  bySource: [string, number][];
  byStatus: [string, number][];
}

const pad = (n: number) => String(n).padStart(2, '0');

function label(t: string, bucket: EventStats['bucket']): string {
  const at = new Date(t);
  if (bucket === 'day') return `${at.getDate()}/${at.getMonth() + 1}`;
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** What the dashboard draws from the server's event statistics. */
export function statsOf(stats: EventStats): DashboardStats {
  const total = stats.series.reduce((sum, b) => sum + b.total, 0);
  const errors = stats.series.reduce((sum, b) => sum + b.errors, 0);
  return {
    total,
    errors,
    series: {
      labels: stats.series.map((b) => label(b.t, stats.bucket)),
      ok: stats.series.map((b) => b.total - b.errors),
      errors: stats.series.map((b) => b.errors),
    },
    byType: stats.byType.slice(0, 10).map((t) => [t.type, t.count]),
    bySource: stats.bySource.map((s) => [s.source, s.count]),
    byStatus: Object.entries(stats.byStatus).sort((a, b) => b[1] - a[1]),
  };
}
