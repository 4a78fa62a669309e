/**
 * Group commit: requests that arrive while a write is in progress are gathered and written
 * together in the next transaction, so the database sees one transaction per group instead of one
 * per request. Each caller still waits for the commit that contains its own work, so an
 * acknowledged write is always durable.
 *
 * Up to `lanes` groups are written at once, but a second group only starts when work has waited
 * `spillAfterMs` for the one in progress: a few large groups cost the database far less per item
 * than many small ones (each transaction is a handful of round trips), while a group that is held
 * up (a lock another process holds, a slow link) does not hold up everything else for long. Work
 * for one key (e.g. the profile a request names) is never in two groups at once and is applied in
 * arrival order.
 */
export type GroupWriter<I, O> = (items: readonly I[]) => Promise<O[]>;

interface Pending<I, O> {
  item: I;
  key: string;
  queuedAt: number;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions<I, O> {
  /** Writes several items in one transaction; results in the same order. */
  writeGroup: GroupWriter<I, O>;
  /** Writes one item in its own transaction (used alone, and to isolate a failing item). */
  writeOne: (item: I) => Promise<O>;
  /** Most groups written at once; SQLite has a single writer, so 1 there. */
  lanes: number;
  /** Largest group written in one transaction. */
  maxGroup: number;
  /** How long queued work waits for the groups in progress before another one starts (2 ms). */
  spillAfterMs?: number;
}

const DEFAULT_SPILL_MS = 2;

export class GroupCommit<I, O> {
  private readonly lanes: number;
  private readonly maxGroup: number;
  private readonly spillAfterMs: number;
  private queue: Pending<I, O>[] = [];
  private writing = 0;
  /** Keys in the groups being written, with how many items each. */
  private readonly busy = new Map<string, number>();
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: GroupCommitOptions<I, O>) {
    this.lanes = Math.max(1, options.lanes);
    this.maxGroup = Math.max(1, options.maxGroup);
    this.spillAfterMs = options.spillAfterMs ?? DEFAULT_SPILL_MS;
  }

  /** Resolves once the item is committed; rejects with the error its own write caused. */
  submit(item: I, key: string): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, key, queuedAt: performance.now(), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Start on the next tick so requests arriving in the same tick join the same group.
        setImmediate(() => {
          this.scheduled = false;
          this.pump(false);
        });
      }
    });
  }

  /**
   * Starts groups while lanes are free. The first may always start when nothing is being written
   * or when a group has just finished (its lane carries on); any other only once the oldest work
   * it would take has waited `spillAfterMs`.
   */
  private pump(carryOn: boolean): void {
    let free = carryOn;
    while (this.queue.length > 0 && this.writing < this.lanes) {
      const oldest = this.queue.find((p) => !this.busy.has(p.key));
      if (oldest === undefined) return;
      if (!free && this.writing > 0) {
        const wait = oldest.queuedAt + this.spillAfterMs - performance.now();
        if (wait > 0) {
          this.timer ??= setTimeout(() => {
            this.timer = undefined;
            this.pump(false);
          }, wait);
          return;
        }
      }
      free = false;
      void this.write(this.take());
    }
  }

  /** The queued items, in arrival order, whose keys are not being written, up to `maxGroup`. */
  private take(): Pending<I, O>[] {
    const group: Pending<I, O>[] = [];
    const rest: Pending<I, O>[] = [];
    for (const pending of this.queue) {
      if (group.length < this.maxGroup && !this.busy.has(pending.key)) group.push(pending);
      else rest.push(pending);
    }
    this.queue = rest;
    for (const { key } of group) this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    return group;
  }

  private async write(group: Pending<I, O>[]): Promise<void> {
    this.writing++;
    try {
      await this.store(group);
    } finally {
      this.writing--;
      for (const { key } of group) {
        const left = this.busy.get(key)! - 1;
        if (left === 0) this.busy.delete(key);
        else this.busy.set(key, left);
      }
      this.pump(true);
    }
  }

  private async store(group: Pending<I, O>[]): Promise<void> {
    if (group.length > 1) {
      try {
        const results = await this.options.writeGroup(group.map((p) => p.item));
        for (const [i, pending] of group.entries()) pending.resolve(results[i] as O);
        return;
      } catch {
        // One item may have made the whole group fail: write each alone, so only that item fails.
      }
    }
    for (const pending of group) {
      try {
        pending.resolve(await this.options.writeOne(pending.item));
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
