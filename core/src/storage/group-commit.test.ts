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
});
