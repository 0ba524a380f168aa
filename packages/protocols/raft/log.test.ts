import { describe, expect, it } from 'vitest';
import { atLeastAsUpToDate, entryAt, lastIndex, majority, retryHint, termAt, type Log } from './log.ts';
import type { Entry } from './messages.ts';
import { batchFrom } from './replication.ts';

const entries = (...terms: number[]): Entry[] => terms.map((term) => ({ term, cmd: { kind: 'noop' } }));
const log = (...terms: number[]): Log => ({ log: entries(...terms), snapshot: null });
/** A log whose first `index` entries (the last of term `term`) are compacted into a snapshot. */
const compacted = (index: number, term: number, ...terms: number[]): Log => ({ log: entries(...terms), snapshot: { index, term, digest: 0, kv: {}, sessions: {} } });

describe('log helpers', () => {
  it('numbers entries from 1, with term 0 before the first and -1 past the end', () => {
    const l = log(1, 1, 2);
    expect([termAt(l, 0), termAt(l, 1), termAt(l, 3), termAt(l, 4)]).toEqual([0, 1, 2, -1]);
  });

  it('after a snapshot, numbers the remaining entries from past its index, with its term at its index and -2 inside it', () => {
    const l = compacted(10, 2, 2, 3);
    expect([termAt(l, 0), termAt(l, 5), termAt(l, 10), termAt(l, 11), termAt(l, 12), termAt(l, 13)]).toEqual([0, -2, 2, 2, 3, -1]);
    expect(lastIndex(l)).toBe(12);
    expect([entryAt(l, 10), entryAt(l, 12)?.term]).toEqual([undefined, 3]);
    expect(retryHint(l, 12, 11)).toBe(12);
    expect(batchFrom(l, 11).map((e) => e.term)).toEqual([2]);
  });

  it('compares logs by last term, then by length', () => {
    expect(atLeastAsUpToDate(3, 1, 2, 9)).toBe(true);
    expect(atLeastAsUpToDate(2, 9, 3, 1)).toBe(false);
    expect(atLeastAsUpToDate(2, 5, 2, 5)).toBe(true);
    expect(atLeastAsUpToDate(2, 4, 2, 5)).toBe(false);
  });

  it('a majority of 3 is 2, of 5 is 3', () => {
    expect([majority(3), majority(4), majority(5)]).toEqual([2, 3, 3]);
  });

  it('after a refusal, retries past a shorter log, or at the start of the conflicting term, never at or below the commit index', () => {
    const l = log(1, 1, 2, 2, 2);
    expect(retryHint(l, 8, 1)).toBe(6);
    expect(retryHint(l, 5, 1)).toBe(3);
    expect(retryHint(l, 5, 4)).toBe(4);
  });

  it('sends at most a batch, of one term only', () => {
    const l = log(1, 1, 2, 3, 3);
    expect(batchFrom(l, 1).map((e) => e.term)).toEqual([1, 1]);
    expect(batchFrom(l, 3).map((e) => e.term)).toEqual([2]);
    expect(batchFrom(l, 4).map((e) => e.term)).toEqual([3, 3]);
    expect(batchFrom(l, 6)).toEqual([]);
    expect(batchFrom(log(...Array<number>(100).fill(1)), 1)).toHaveLength(32);
    expect(batchFrom(log(1, 1, 2, 3, 3), 6)).toEqual([]);
  });
});
