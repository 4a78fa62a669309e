import { createConnection } from 'mysql2/promise';
import type { Logger } from 'pino';
import { findProfile, findSession, readerOf, type SqlReader } from '../api/queries.js';
import type { Metrics } from '../observability/metrics.js';
import type { Database } from '../storage/orm.js';
import { EVENT_COLUMNS, type EventRecord, eventFromRow } from '../storage/records.js';
import { toSqlDate } from '../storage/sql.js';
import type { EventProcessor } from './processor.js';

export interface PendingEventsOptions {
  /**
   * How long after it was stored a pending event is taken as abandoned. A request starts no flow
   * later than this less two event time limits after storing its events (`ProcessorOptions`).
   */
  graceMs: number;
  /** How often to look for abandoned events. */
  everyMs: number;
  /** Most events taken in one round; a sweep goes on while rounds come back full. */
  limit?: number;
  /** The database URL, for the MySQL lock that keeps two servers from running one event twice. */
  databaseUrl: string;
}

/** The name of the MySQL lock a sweep holds (`GET_LOCK`), one server at a time. */
const LOCK = 'cairn.pending-events';

/**
 * Runs the flows of events stored `pending` whose request never committed what they did: the
 * server stopped (a crash, a kill, a lost database) between storing the events and committing
 * their flows' outcome. Without this such an event would stay stored but never processed. A
 * sweep runs when the server starts and then every `everyMs`, and takes events stored more than
 * `graceMs` ago, so never one whose request is still running. Their flows run again from the
 * start, on the profile as it is now, and commit as a request's would; an event whose rules are
 * gone becomes `collected`. One server sweeps at a time (on MySQL, through a named lock).
 */
export class PendingEvents {
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Immediate | undefined;
  private sweeping: Promise<number> | undefined;
  private stopped = false;
  private readonly limit: number;
  /** Reads outside any transaction: a sweep takes no lock it does not need. */
  private readonly reader: SqlReader;

  constructor(
    private readonly db: Database,
    private readonly processor: EventProcessor,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: PendingEventsOptions,
  ) {
    this.limit = options.limit ?? 500;
    this.reader = readerOf(db);
  }

  start(): void {
    const sweep = () => {
      this.sweep().catch((error: unknown) =>
        this.logger.error({ err: error }, 'recovering pending events failed'),
      );
    };
    this.first = setImmediate(sweep);
    this.timer = setInterval(sweep, this.options.everyMs);
    this.timer.unref();
  }

  /** Stops sweeping; resolves once a sweep in progress has finished the request it was on. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearImmediate(this.first);
    clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  /** Processes the abandoned pending events; resolves with how many were settled. */
  sweep(): Promise<number> {
    this.sweeping ??= this.exclusively(() => this.recover()).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** Runs `work` unless another server is sweeping the same MySQL database (then 0). */
  private async exclusively(work: () => Promise<number>): Promise<number> {
    if (this.db.dialect === 'sqlite') return work();
    const connection = await createConnection(this.options.databaseUrl);
    try {
      const [rows] = await connection.query(`select get_lock(?, 0) as held`, [LOCK]);
      if ((rows as { held: number | null }[])[0]?.held !== 1) return 0;
      try {
        return await work();
      } finally {
        await connection.query(`select release_lock(?)`, [LOCK]);
      }
    } finally {
      await connection.end();
    }
  }

  private async recover(): Promise<number> {
    let settled = 0;
    // Keyset over (inserted_at, id): events that fail stay behind without holding up later ones.
    let after: EventRecord | undefined;
    while (!this.stopped) {
      const events = await this.abandoned(after);
      for (const group of requests(events)) {
        if (this.stopped) break;
        try {
          await this.processor.process(await this.withRows(group), { settle: true });
          settled += group.length;
          this.metrics.eventsRecovered.inc(group.length);
        } catch (error) {
          // Left pending for the next sweep.
          this.logger.error(
            { err: error, events: group.map((e) => e.id) },
            'running the flows of pending events failed',
          );
        }
      }
      if (events.length < this.limit) break;
      after = events[events.length - 1];
    }
    if (settled) this.logger.warn({ settled }, 'settled events a stopped server left pending');
    return settled;
  }

  /** Pending events stored before the grace period (and after `after`), oldest first. */
  private async abandoned(after: EventRecord | undefined): Promise<EventRecord[]> {
    const { dialect } = this.reader;
    const before = toSqlDate(dialect, new Date(Date.now() - this.options.graceMs));
    const from = after ? toSqlDate(dialect, after.insertedAt) : undefined;
    const rows = await this.reader.all(
      `select ${EVENT_COLUMNS.join(', ')} from event where status = 'pending' and inserted_at < ?` +
        (after ? ' and (inserted_at > ? or (inserted_at = ? and id > ?))' : '') +
        ` order by inserted_at, id limit ${this.limit}`,
      [before, ...(after ? [from, from, after.id] : [])],
    );
    return rows.map(eventFromRow);
  }

  /** The input `process` takes for events of one request: their source, profile and session as stored now. */
  private async withRows(events: EventRecord[]) {
    const { sourceId, profileId, sessionId } = events[0]!;
    return {
      sourceId,
      profile: profileId ? await findProfile(this.reader, profileId) : null,
      session: sessionId ? await findSession(this.reader, sessionId) : null,
      events,
    };
  }
}

/** Most events run as one request: a stop waits for at most this many. */
const GROUP = 50;

/**
 * Events grouped as they would have been in their requests: by source, profile and session, in
 * order, at most `GROUP` together.
 */
function requests(events: EventRecord[]): EventRecord[][] {
  const groups = new Map<string, EventRecord[][]>();
  for (const event of events) {
    const key = `${event.sourceId}\u0000${event.profileId ?? ''}\u0000${event.sessionId ?? ''}`;
    let chunks = groups.get(key);
    if (chunks === undefined) {
      chunks = [];
      groups.set(key, chunks);
    }
    const last = chunks[chunks.length - 1];
    if (last && last.length < GROUP) last.push(event);
    else chunks.push([event]);
  }
  return [...groups.values()].flat();
}
