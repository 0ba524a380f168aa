/**
 * The log as Raft sees it: entries numbered from 1, index 0 standing for the empty prefix
 * (term 0). A snapshot replaces a committed prefix: then `log` holds the entries after
 * `snapshot.index`, and the entry at index i is `log[i - snapshot.index - 1]`. Pure
 * functions, shared by the service and the properties.
 */
import { fnv1a } from '@faultline/runtime';
import type { Entry, Snapshot } from './messages.ts';

/** What the log functions read of a node's state. */
export interface Log {
  readonly log: readonly Entry[];
  readonly snapshot: Snapshot | null;
}

/** The last index the snapshot covers (0: none). */
export function baseIndex(l: Log): number {
  return l.snapshot?.index ?? 0;
}

export function lastIndex(l: Log): number {
  return baseIndex(l) + l.log.length;
}

/** The entry at `index`, or undefined if it is past the end or compacted into the snapshot. */
export function entryAt(l: Log, index: number): Entry | undefined {
  const k = index - baseIndex(l) - 1;
  return k < 0 ? undefined : l.log[k];
}

/** The term of the entry at `index`: 0 for index 0, the snapshot's term at its index, -1 past the end, -2 inside the snapshot. */
export function termAt(l: Log, index: number): number {
  if (index === 0) return 0;
  const base = baseIndex(l);
  if (index === base) return l.snapshot!.term;
  if (index < base) return -2;
  return l.log[index - base - 1]?.term ?? -1;
}

export function lastTerm(l: Log): number {
  return termAt(l, lastIndex(l));
}

/**
 * Raft's election restriction: a log whose last entry has term `aTerm` and index `aIndex`
 * is at least as up-to-date as one ending at (`bTerm`, `bIndex`) if its last term is
 * higher, or equal with a log at least as long.
 */
export function atLeastAsUpToDate(aTerm: number, aIndex: number, bTerm: number, bIndex: number): boolean {
  return aTerm > bTerm || (aTerm === bTerm && aIndex >= bIndex);
}

/** The number of nodes that make a majority of a cluster of `size`. */
export function majority(size: number): number {
  return Math.floor(size / 2) + 1;
}

/**
 * Where a leader should retry after a follower refused entries after `prevIndex`: past the
 * follower's end if its log is shorter, else the first index of the conflicting term (the
 * whole term is skipped in one step), never at or below `floor` (its commit index + 1).
 */
export function retryHint(l: Log, prevIndex: number, floor: number): number {
  if (prevIndex > lastIndex(l)) return lastIndex(l) + 1;
  const conflicting = termAt(l, prevIndex);
  let i = prevIndex;
  while (i > floor && termAt(l, i - 1) === conflicting) i--;
  return Math.max(i, floor);
}

/** A short name for an entry, unique within a run: its term and what it carries. */
export function entryKey(e: Entry): string {
  return e.cmd.kind === 'noop' ? `${e.term}:noop` : `${e.term}:${e.cmd.requestId}`;
}

const keyHashes = new WeakMap<Entry, number>();

export function keyHash(e: Entry): number {
  let h = keyHashes.get(e);
  if (h === undefined) {
    h = fnv1a(entryKey(e));
    keyHashes.set(e, h);
  }
  return h;
}

/** The digest of a prefix that ends with an entry hashing to `h` after a prefix digesting to `prev` (0: the empty prefix). */
export function chain(prev: number, h: number): number {
  return (Math.imul(prev ^ h, 0x9e3779b1) + 0x7f4a7c15) >>> 0;
}
