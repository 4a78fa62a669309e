import Router from '@koa/router';
import { type Static, Type } from '@sinclair/typebox';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import type { Database } from '../storage/orm.js';
import { toSqlDate } from '../storage/sql.js';
import { readerOf } from './queries.js';

export const EventStatsQuerySchema = Type.Object(
  {
    /** Start of the window (inclusive); default: `to` minus 60 buckets. */
    from: Type.Optional(Type.String({ format: 'date-time' })),
    /** End of the window (exclusive); default: now. */
    to: Type.Optional(Type.String({ format: 'date-time' })),
    bucket: Type.Optional(Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')])),
  },
  { additionalProperties: false },
);
type EventStatsQuery = Static<typeof EventStatsQuerySchema>;
const validateQuery = validator(EventStatsQuerySchema, 'query');

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const MAX_BUCKETS = 1440;
const TOP = 20;

export interface EventStats {
  from: string;
  to: string;
  bucket: keyof typeof BUCKET_MS;
  /** One entry per bucket of the window, empty ones included. */
  series: { t: string; total: number; errors: number }[];
  byType: { type: string; count: number }[];
  bySource: { source: string; count: number }[];
  byStatus: Record<string, number>;
}

function window(query: EventStatsQuery) {
  const bucket = query.bucket ?? 'minute';
  const size = BUCKET_MS[bucket];
  const to = query.to ? new Date(query.to) : new Date(Math.ceil(Date.now() / size) * size);
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 60 * size);
  if (from >= to) throw new ApiError(422, 'validation_failed', 'from must be before to.', 'from');
  if ((to.getTime() - from.getTime()) / size > MAX_BUCKETS) {
    throw new ApiError(
      422,
      'validation_failed',
      `The window holds more than ${MAX_BUCKETS} buckets; use a larger bucket.`,
      'bucket',
    );
  }
  return { bucket, size, from, to };
}

/** Event counts over time, by type, source and status, for the console's dashboard. */
export async function eventStats(db: Database, query: EventStatsQuery): Promise<EventStats> {
  const { bucket, size, from, to } = window(query);
  const reader = readerOf(db);
  const range = [toSqlDate(db.dialect, from), toSqlDate(db.dialect, to)];
  // Buckets count from `from`, so no time zone is involved on either dialect.
  const bucketOf =
    db.dialect === 'sqlite'
      ? `(created_at - ${from.getTime()}) / ${size}`
      : `FLOOR(TIMESTAMPDIFF(MICROSECOND, ?, created_at) / ${size * 1000})`;
  const bucketParams = db.dialect === 'sqlite' ? [] : [range[0]];
  const where = 'created_at >= ? AND created_at < ?';
  const [series, types, sources, statuses] = await Promise.all([
    reader.all<{ b: number | string; total: number | string; errors: number | string | null }>(
      `SELECT ${bucketOf} AS b, COUNT(*) AS total, SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors
       FROM event WHERE ${where} GROUP BY b`,
      [...bucketParams, ...range],
    ),
    reader.all<{ type: string; n: number | string }>(
      `SELECT type, COUNT(*) AS n FROM event WHERE ${where} GROUP BY type ORDER BY n DESC, type LIMIT ${TOP}`,
      range,
    ),
    reader.all<{ source_id: string; n: number | string }>(
      `SELECT source_id, COUNT(*) AS n FROM event WHERE ${where} GROUP BY source_id ORDER BY n DESC, source_id LIMIT ${TOP}`,
      range,
    ),
    reader.all<{ status: string; n: number | string }>(
      `SELECT status, COUNT(*) AS n FROM event WHERE ${where} GROUP BY status`,
      range,
    ),
  ]);
  const counts = new Map(
    series.map((r) => [Number(r.b), { total: Number(r.total), errors: Number(r.errors ?? 0) }]),
  );
  const buckets = Math.ceil((to.getTime() - from.getTime()) / size);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    series: Array.from({ length: buckets }, (_, i) => ({
      t: new Date(from.getTime() + i * size).toISOString(),
      total: counts.get(i)?.total ?? 0,
      errors: counts.get(i)?.errors ?? 0,
    })),
    byType: types.map((r) => ({ type: r.type, count: Number(r.n) })),
    bySource: sources.map((r) => ({ source: r.source_id, count: Number(r.n) })),
    byStatus: Object.fromEntries(statuses.map((r) => [r.status, Number(r.n)])),
  };
}

/** `GET /api/stats/events?from=&to=&bucket=minute|hour|day`. */
export function statsRoutes(db: Database): Router {
  const router = new Router({ prefix: '/api/stats' });
  router.get('/events', async (ctx) => {
    ctx.body = await eventStats(db, validateQuery({ ...ctx.query }));
  });
  return router;
}
