/**
 * What the properties remember about one run, keyed by its history (a new run, a new
 * history): the leader of every term seen, every committed entry (the first version of it
 * seen), and what was applied at each index. Also digests of log prefixes, so that two
 * logs can be compared at an index in constant time.
 */
import { fnv1a, type History, type NodeId, type SystemView } from '@faultline/runtime';
import { entryKey } from './log.ts';
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

const keyHashes = new WeakMap<Entry, number>();
const logDigests = new WeakMap<readonly Entry[], number[]>();

function keyHash(e: Entry): number {
  let h = keyHashes.get(e);
  if (h === undefined) {
    h = fnv1a(entryKey(e));
    keyHashes.set(e, h);
  }
  return h;
}

/** The digest of a prefix that ends with an entry hashing to `h` after a prefix digesting to `prev`. */
export function chain(prev: number, h: number): number {
  return (Math.imul(prev ^ h, 0x9e3779b1) + 0x7f4a7c15) >>> 0;
}

/** `digests(log)[i - 1]` stands for the entries 1..i of `log`. Cached per log array. */
export function digests(log: readonly Entry[]): readonly number[] {
  let d = logDigests.get(log);
  if (d === undefined) {
    d = new Array<number>(log.length);
    let prev = 0;
    for (let i = 0; i < log.length; i++) d[i] = prev = chain(prev, keyHash(log[i]!));
    logDigests.set(log, d);
  }
  return d;
}

/** The digest of the first `n` entries (0 for none). */
export function prefixDigest(log: readonly Entry[], n: number): number {
  return n === 0 ? 0 : digests(log)[n - 1]!;
}

/**
 * Records entries that up nodes report committed for the first time. Returns a problem if
 * a node's committed prefix differs from the one recorded.
 */
export function recordCommits(view: SystemView<State, Req, Res>, m: RunMemory): string | undefined {
  for (const n of view.nodes) {
    const s = n.state;
    if (!n.up || s === undefined) continue;
    const known = Math.min(s.commitIndex, m.committed.length, s.log.length);
    if (known > 0 && prefixDigest(s.log, known) !== m.committedDigests[known - 1]) {
      return `${n.id}'s committed entries 1..${known} differ from those committed before: ${firstDifference(s.log, m.committed, known)}`;
    }
    for (let i = m.committed.length; i < Math.min(s.commitIndex, s.log.length); i++) {
      const e = s.log[i]!;
      m.committed.push(entryKey(e));
      m.committedDigests.push(chain(i === 0 ? 0 : m.committedDigests[i - 1]!, keyHash(e)));
      m.commitTerms.push(s.currentTerm);
    }
  }
  return undefined;
}

/** Names the first index below `n` at which `log` and the recorded keys differ. */
export function firstDifference(log: readonly Entry[], keys: readonly string[], n: number): string {
  for (let i = 0; i < n; i++) {
    const e = log[i];
    const got = e === undefined ? 'nothing' : entryKey(e);
    if (got !== keys[i]) return `index ${i + 1} holds ${got}, not ${keys[i] ?? 'nothing'}`;
  }
  return 'no difference found';
}
