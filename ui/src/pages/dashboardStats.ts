import type { CairnEvent } from '../api/types';

export interface DashboardStats {
  total: number;
  errors: number;
  profiles: number;
  perMinute: { labels: string[]; all: number[]; errors: number[] };
  byType: [string, number][];
  bySource: [string, number][];
  recentErrors: CairnEvent[];
}

/** Counts for the dashboard from the events of the last `minutes` minutes, newest first. */
export function statsOf(events: CairnEvent[], now: number, minutes = 60): DashboardStats {
  const start = now - minutes * 60_000;
  const all = new Array<number>(minutes).fill(0);
  const errors = new Array<number>(minutes).fill(0);
  const types = new Map<string, number>();
  const sources = new Map<string, number>();
  const profiles = new Set<string>();
  let errorCount = 0;
  for (const event of events) {
    const at = Date.parse(event.metadata.time.insert ?? event.metadata.time.create);
    if (!(at >= start && at <= now)) continue;
    const slot = Math.min(minutes - 1, Math.floor((at - start) / 60_000));
    all[slot]!++;
    const failed = event.metadata.status === 'error';
    if (failed) {
      errors[slot]!++;
      errorCount++;
    }
    types.set(event.type, (types.get(event.type) ?? 0) + 1);
    sources.set(event.source.id, (sources.get(event.source.id) ?? 0) + 1);
    if (event.profile) profiles.add(event.profile.id);
  }
  const labels = all.map((_, i) => {
    const t = new Date(start + (i + 1) * 60_000);
    return `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    total: all.reduce((a, b) => a + b, 0),
    errors: errorCount,
    profiles: profiles.size,
    perMinute: { labels, all, errors },
    byType: sorted(types).slice(0, 10),
    bySource: sorted(sources),
    recentErrors: events.filter((e) => e.metadata.status === 'error').slice(0, 10),
  };
}
