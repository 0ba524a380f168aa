/**
 * The log as Raft sees it: entries numbered from 1, index 0 standing for the empty prefix
 * (term 0). Pure functions, shared by the service and the properties.
 */
import type { Entry } from './messages.ts';

/** The term of the entry at `index`; 0 for index 0, -1 past the end. */
export function termAt(log: readonly Entry[], index: number): number {
  if (index === 0) return 0;
  return log[index - 1]?.term ?? -1;
}

export function lastTerm(log: readonly Entry[]): number {
  return termAt(log, log.length);
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
export function retryHint(log: readonly Entry[], prevIndex: number, floor: number): number {
  if (prevIndex > log.length) return log.length + 1;
  const conflicting = termAt(log, prevIndex);
  let i = prevIndex;
  while (i > floor && termAt(log, i - 1) === conflicting) i--;
  return Math.max(i, floor);
}

/** A short name for an entry, unique within a run: its term and what it carries. */
export function entryKey(e: Entry): string {
  return e.cmd.kind === 'noop' ? `${e.term}:noop` : `${e.term}:${e.cmd.requestId}`;
}
