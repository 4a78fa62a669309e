/**
 * Group commit: requests that arrive while a write is in progress are gathered and written
 * together in the next transaction, so the database sees one transaction per group instead of one
 * per request. Each caller still waits for the commit that contains its own work, so an
 * acknowledged write is always durable.
 *
 * Work is spread over `lanes` by key (e.g. the profile a request names), so writes for one key are
 * applied one group after the other, in arrival order, while other keys proceed in parallel lanes.
 */
export type GroupWriter<I, O> = (items: readonly I[]) => Promise<O[]>;

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

class Lane<I, O> {
  private queue: Pending<I, O>[] = [];
  private running = false;

  constructor(
    private readonly writeGroup: GroupWriter<I, O>,
    private readonly writeOne: (item: I) => Promise<O>,
    private readonly maxGroup: number,
  ) {}

  push(pending: Pending<I, O>): void {
    this.queue.push(pending);
    if (!this.running) {
      this.running = true;
      // Start on the next tick so requests arriving in the same tick join the first group.
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      await this.write(group);
    }
    this.running = false;
  }

  private async write(group: Pending<I, O>[]): Promise<void> {
    if (group.length > 1) {
      try {
        const results = await this.writeGroup(group.map((p) => p.item));
        for (const [i, pending] of group.entries()) pending.resolve(results[i] as O);
        return;
      } catch {
        // One item may have made the whole group fail: write each alone, so only that item fails.
      }
    }
    for (const pending of group) {
      try {
        pending.resolve(await this.writeOne(pending.item));
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}

export interface GroupCommitOptions<I, O> {
  /** Writes several items in one transaction; results in the same order. */
  writeGroup: GroupWriter<I, O>;
  /** Writes one item in its own transaction (used alone, and to isolate a failing item). */
  writeOne: (item: I) => Promise<O>;
  /** Parallel lanes; SQLite has a single writer, so 1 there. */
  lanes: number;
  /** Largest group written in one transaction. */
  maxGroup: number;
}

export class GroupCommit<I, O> {
  private readonly lanes: Lane<I, O>[];

  constructor(options: GroupCommitOptions<I, O>) {
    this.lanes = Array.from(
      { length: Math.max(1, options.lanes) },
      () => new Lane(options.writeGroup, options.writeOne, Math.max(1, options.maxGroup)),
    );
  }

  /** Resolves once the item is committed; rejects with the error its own write caused. */
  submit(item: I, key: string): Promise<O> {
    const lane = this.lanes[hash(key) % this.lanes.length]!;
    return new Promise<O>((resolve, reject) => lane.push({ item, resolve, reject }));
  }
}

/** FNV-1a: a cheap, stable spread of keys over lanes. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
