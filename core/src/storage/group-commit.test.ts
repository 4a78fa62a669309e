import { expect } from 'chai';
import { GroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('writes requests that arrive together in one group, answering each with its own result', async () => {
    const groups: number[][] = [];
    const commit = new GroupCommit<number, string>({
      writeGroup: async (items) => {
        groups.push([...items]);
        return items.map((n) => `stored ${n}`);
      },
      writeOne: async (n) => {
        groups.push([n]);
        return `stored ${n}`;
      },
      lanes: 1,
      maxGroup: 10,
    });
    const results = await Promise.all([1, 2, 3, 4].map((n) => commit.submit(n, 'k')));
    expect(results).to.deep.equal(['stored 1', 'stored 2', 'stored 3', 'stored 4']);
    expect(groups).to.deep.equal([[1, 2, 3, 4]]);
  });

  it('never puts more than maxGroup items in one write, and keeps arrival order', async () => {
    const groups: number[][] = [];
    const commit = new GroupCommit<number, number>({
      writeGroup: async (items) => {
        groups.push([...items]);
        return [...items];
      },
      writeOne: async (n) => {
        groups.push([n]);
        return n;
      },
      lanes: 1,
      maxGroup: 3,
    });
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => commit.submit(n, 'k')));
    expect(groups).to.deep.equal([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('isolates a failing item: the others of its group are still written', async () => {
    const committed: number[] = [];
    const commit = new GroupCommit<number, number>({
      writeGroup: async (items) => {
        if (items.includes(13)) throw new Error('group rolled back');
        committed.push(...items);
        return [...items];
      },
      writeOne: async (n) => {
        if (n === 13) throw new Error('unlucky');
        committed.push(n);
        return n;
      },
      lanes: 1,
      maxGroup: 10,
    });
    const outcomes = await Promise.allSettled([12, 13, 14].map((n) => commit.submit(n, 'k')));
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).to.equal('unlucky');
    expect(committed).to.deep.equal([12, 14]);
  });

  it('applies writes for one key one group after another, never two at once', async () => {
    let running = 0;
    let overlap = false;
    const commit = new GroupCommit<number, number>({
      writeGroup: async (items) => {
        running++;
        overlap ||= running > 1;
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return [...items];
      },
      writeOne: async (n) => {
        running++;
        overlap ||= running > 1;
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return n;
      },
      lanes: 4,
      maxGroup: 2,
    });
    await Promise.all(Array.from({ length: 10 }, (_, n) => commit.submit(n, 'same-profile')));
    expect(overlap).to.equal(false);
  });

  it('gathers what arrives during a write into the next group instead of starting more groups', async () => {
    const groups: number[][] = [];
    let running = 0;
    let overlap = false;
    const write = async (items: number[]) => {
      groups.push(items);
      running++;
      overlap ||= running > 1;
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return items;
    };
    const commit = new GroupCommit<number, number>({
      writeGroup: (items) => write([...items]),
      writeOne: async (n) => (await write([n]))[0]!,
      lanes: 4,
      maxGroup: 10,
      spillAfterMs: 10_000,
    });
    const first = commit.submit(1, 'a');
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([first, ...[2, 3, 4].map((n) => commit.submit(n, `k${n}`))]);
    expect(groups).to.deep.equal([[1], [2, 3, 4]]);
    expect(overlap).to.equal(false);
  });

  it('starts another group in parallel for work that waited too long, never for a key being written', async () => {
    const started: number[] = [];
    const release = new Map<number, () => void>();
    const commit = new GroupCommit<number, number>({
      writeGroup: async () => {
        throw new Error('each item is written alone here');
      },
      writeOne: async (n) => {
        started.push(n);
        await new Promise<void>((resolve) => release.set(n, resolve));
        return n;
      },
      lanes: 2,
      maxGroup: 10,
      spillAfterMs: 5,
    });
    const held = commit.submit(1, 'a');
    while (!started.includes(1)) await new Promise((r) => setTimeout(r, 1));
    const sameKey = commit.submit(2, 'a');
    const otherKey = commit.submit(3, 'b');
    while (!started.includes(3)) await new Promise((r) => setTimeout(r, 2));
    // 3 was written while 1 was still being written; 2 waits for 1, whose key it shares.
    expect(started).to.deep.equal([1, 3]);
    release.get(3)!();
    expect(await otherKey).to.equal(3);
    release.get(1)!();
    expect(await held).to.equal(1);
    while (!started.includes(2)) await new Promise((r) => setTimeout(r, 2));
    release.get(2)!();
    expect(await sameKey).to.equal(2);
  });
});
