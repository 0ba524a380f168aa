/**
 * What the properties remember about one run, keyed by its history (a new run, a new
 * history): the leader of every term seen, every committed entry (the first version of it
 * seen), and what was applied at each index. Also digests of log prefixes, so that two
 * logs can be compared at an index in constant time.
 */
import type { History, NodeId, SystemView } from '@faultline/runtime';
import { baseIndex, chain, entryAt, entryKey, keyHash, lastIndex, type Log } from './log.ts';
import type { Entry, Req, Res } from './messages.ts';
import type { State } from './state.ts';

export interface RunMemory {
  /** The first node seen leading each term. */
  readonly leaders: Map<number, NodeId>;
  /** Committed entries by index - 1, as first seen committed. */
  readonly committed: string[];
  /** `committed` as digests of its prefixes. */
  readonly committedDigests: number[];
  /** Per committed index - 1: the term of the node that first reported it committed. */
  readonly commitTerms: number[];
  /** Per index - 1: the entry first seen applied there, and by whom. */
  readonly applied: { key: string; node: NodeId }[];
  /** Per node: the applied indexes already compared. */
  readonly appliedChecked: Map<NodeId, number>;
  /** Per leader and term: how many committed entries its log has been checked against. */
  readonly leaderChecked: Map<string, number>;
}

const memories = new WeakMap<History<Req, Res>, RunMemory>();

export function memoryOf(view: SystemView<State, Req, Res>): RunMemory {
  let m = memories.get(view.history);
  if (m === undefined) {
    m = {
      leaders: new Map(),
      committed: [],
      committedDigests: [],
      commitTerms: [],
      applied: [],
      appliedChecked: new Map(),
      leaderChecked: new Map(),
    };
    memories.set(view.history, m);
  }
  return m;
}

const logDigests = new WeakMap<readonly Entry[], { start: number; d: number[] }>();

/**
 * The digest of a node's entries 1..`n` (0 for none): chained from its snapshot's digest
 * over the entries after it, cached per log array. Undefined inside the snapshot or past the end.
 */
export function digestAt(l: Log, n: number): number | undefined {
  const base = baseIndex(l);
  if (n < base || n > lastIndex(l)) return undefined;
  const start = l.snapshot?.digest ?? 0;
  if (n === base) return start;
  let c = logDigests.get(l.log);
  if (c === undefined || c.start !== start) {
    const d = new Array<number>(l.log.length);
    let prev = start;
    for (let i = 0; i < l.log.length; i++) d[i] = prev = chain(prev, keyHash(l.log[i]!));
    logDigests.set(l.log, (c = { start, d }));
  }
  return c.d[n - base - 1];
}

/**
 * Whether a node holds the committed entries 1..`n`: its log reaches `n` and agrees with
 * them there, or, if its snapshot covers `n`, at the snapshot's index (a snapshot past the
 * recorded commits cannot be judged yet and is taken to agree).
 */
export function holdsCommitted(l: Log, n: number, m: RunMemory): boolean {
  if (n === 0) return true;
  if (lastIndex(l) < n) return false;
  const at = Math.max(n, baseIndex(l));
  return at > m.committed.length || digestAt(l, at) === m.committedDigests[at - 1];
}

/** The keys of a node's entries up to `n` that are in its log (a sparse array by index - 1). */
export function keysOf(l: Log, n: number): string[] {
  const keys: string[] = [];
  for (let i = baseIndex(l) + 1; i <= Math.min(n, lastIndex(l)); i++) keys[i - 1] = entryKey(entryAt(l, i)!);
  return keys;
}

/**
 * Records entries that up nodes report committed for the first time. Returns a problem if
 * a node's committed prefix differs from the one recorded.
 */
export function recordCommits(view: SystemView<State, Req, Res>, m: RunMemory): string | undefined {
  for (const n of view.nodes) {
    const s = n.state;
    if (!n.up || s === undefined) continue;
    const known = Math.min(s.commitIndex, m.committed.length, lastIndex(s));
    if (known > 0 && !holdsCommitted(s, known, m)) {
      return `${n.id}'s committed entries 1..${known} differ from those committed before: ${firstDifference(s, m.committed, known)}`;
    }
    for (let i = m.committed.length; i < Math.min(s.commitIndex, lastIndex(s)); i++) {
      const e = entryAt(s, i + 1);
      if (e === undefined) break; // compacted here: another node's log shows it
      m.committed.push(entryKey(e));
      m.committedDigests.push(chain(i === 0 ? 0 : m.committedDigests[i - 1]!, keyHash(e)));
      m.commitTerms.push(s.currentTerm);
    }
  }
  return undefined;
}

/** Names the first index up to `n`, past the node's snapshot, at which its log and the keys (by index - 1) differ. */
export function firstDifference(l: Log, keys: readonly string[], n: number): string {
  for (let i = baseIndex(l); i < n; i++) {
    if (keys[i] === undefined && i < keys.length) continue;
    const e = entryAt(l, i + 1);
    const got = e === undefined ? 'nothing' : entryKey(e);
    if (got !== keys[i]) return `index ${i + 1} holds ${got}, not ${keys[i] ?? 'nothing'}`;
  }
  return baseIndex(l) > 0 ? `its snapshot of entries 1..${baseIndex(l)} differs` : 'no difference found';
}
