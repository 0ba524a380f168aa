import type { Context, NodeId, RequestId } from '@faultline/runtime';
import type { Entry, Msg, Res, TupleId, Timer } from './messages.ts';
import { copyDirectory, initialDirectory, type Directory, type PartitionId } from './directory.ts';
import { matches, type Field } from './tuples.ts';

export interface Waiting {
  readonly requestId: RequestId;
  /** An exact first field, then exact fields or `null` wildcards (a `Template`, stored mutable). */
  readonly template: (Field | null)[];
}

/** A candidate's view change: the votes it has, each with the voter's log past the candidate's commit. */
export interface Candidacy {
  votes: Record<NodeId, { from: number; entries: Entry[]; lastView: number; length: number }>;
}

export interface State {
  /** Random per start: names this replica's outs (with its id) and tells a property about restarts. */
  incarnation: number;
  /** This node's partition ('' while it is joining) and that partition's group as its committed log says. */
  partition: PartitionId;
  group: NodeId[];
  /** The partition's key interval `[lo, hi)` and its directory version, as its committed log says. */
  lo: number;
  hi: number;
  version: number;
  /** Once the partition is merged into a neighbour: that neighbour (the interval is then no longer held here), and whether it has taken the interval over. */
  into: PartitionId | null;
  absorbed: boolean;
  /** Merged: its sequencer has seen every member apply the merge (rehash.ts). */
  released: boolean;
  /** The keys of the outs counted in `outs` but not held (outside the interval when they came, or handed over since). */
  unheld: Record<TupleId, number>;
  /** Whether some of those may be inside the interval now (a hole that pulls fill); cleared once a pull finds none. */
  holes: boolean;
  /**
   * At a member moved by a split: the partition it was split from, and the split entry's
   * index and view there (to tell that partition's members, who may never hear it from its
   * sequencer, that the split committed: rehash.ts); null otherwise.
   */
  parent: { partition: PartitionId; at: number; view: number } | null;
  /** Whether this replica may hold tuples outside its interval (set by a split or merge; cleared once none is left). */
  strays: boolean;
  /** Every partition's interval and group as this node last heard of it: where requests are sent. */
  dir: Directory;
  /**
   * Leaving the tuplespace: `stay` (the rounds left before asking, -1 for never, in
   * `leaveIn`), `leaving` (asked: serves nothing new, hands over, and waits for its removal
   * to commit) and `left` (only redirects clients to its old group).
   */
  leaving: 'stay' | 'leaving' | 'left';
  leaveIn: number;
  /** While leaving: each member's operation vector, from its last pull here. */
  covered: Record<NodeId, Record<string, number>>;
  /** A joiner's contacts (the nodes it knew at start). */
  contacts: NodeId[];
  /**
   * Every tuple written in this partition that this replica has seen. Tuples outside the
   * interval (after a split or merge) are handed over and then dropped (rehash.ts).
   */
  tuples: Record<TupleId, Field[]>;
  /** Per origin, the ids of its outs in the order it wrote them: the operation vector is their lengths. */
  outs: Record<string, TupleId[]>;
  /** The partition's log as this replica has accepted it; the first `commit` entries are decided. */
  log: Entry[];
  commit: number;
  /** The committed takes, as a map: tuple to taker. */
  taken: Record<TupleId, RequestId>;
  /** The highest view this replica has voted in or followed, its sequencer (null while unknown), and whether it follows one. */
  view: number;
  leader: NodeId | null;
  status: 'normal' | 'change';
  /** Rounds since this replica last heard its sequencer (or voted, or became one). */
  silentRounds: number;
  /** At the sequencer: the next log index to send each member, and how much of its log each has acknowledged. */
  next: Record<NodeId, number>;
  match: Record<NodeId, number>;
  /** At the sequencer: how much of the log each member (or member split off) has applied, from its acks. */
  applied: Record<NodeId, number>;
  /** At the sequencer: where its view's noop is (config changes wait until it is committed). */
  viewStart: number;
  /** At a candidate: the votes gathered so far. */
  candidacy: Candidacy | null;
  /** At the sequencer: `in`s waiting for a match, oldest first (bounded). */
  blocked: Waiting[];
  /** `rd`s waiting for a match at this replica, oldest first (bounded). */
  reads: Waiting[];
}

export type Ctx = Context<State, Msg, Res, Timer>;

/**
 * A node named among `founders` (those of them in its cluster: a smaller simulated cluster
 * has fewer) starts as a replica of its group; any other node starts as a joiner that
 * knows only its cluster (its contacts). A late joiner must not be named a founder.
 */
export function initialState(self: NodeId, cluster: readonly NodeId[], founders: readonly NodeId[], leaveAt = -1): State {
  const dir = initialDirectory(founders.filter((id) => cluster.includes(id)));
  const partition = (founders.includes(self) && Object.keys(dir).find((id) => dir[id]!.group.includes(self))) || '';
  const own = dir[partition];
  return {
    incarnation: 0,
    partition,
    group: own === undefined ? [] : [...own.group],
    lo: own?.lo ?? 0,
    hi: own?.hi ?? 0,
    version: own === undefined ? 0 : 1,
    into: null,
    absorbed: false,
    released: false,
    parent: null,
    strays: false,
    unheld: {},
    holes: false,
    dir: own === undefined ? {} : copyDirectory(dir),
    leaving: 'stay',
    leaveIn: leaveAt,
    covered: {},
    contacts: cluster.filter((id) => id !== self),
    tuples: {},
    outs: {},
    log: own === undefined ? [] : [{ kind: 'start', view: 0, lo: own.lo, hi: own.hi, taken: {} }],
    commit: own === undefined ? 0 : 1,
    taken: {},
    view: 0,
    leader: own?.group[0] ?? null,
    status: 'normal',
    silentRounds: 0,
    next: {},
    match: {},
    applied: {},
    viewStart: 0,
    candidacy: null,
    blocked: [],
    reads: [],
  };
}

export function originOf(self: NodeId, incarnation: number): string {
  return `${self}.${incarnation}`;
}

/** Whether this replica's partition holds `key` now (as its committed log says). */
export function owns(s: Pick<State, 'partition' | 'into' | 'lo' | 'hi'>, key: number): boolean {
  return s.partition !== '' && s.into === null && s.lo <= key && key < s.hi;
}

/** A majority of `group`. */
export function majority(group: readonly NodeId[]): number {
  return Math.floor(group.length / 2) + 1;
}

/** The tuples named by uncommitted take entries: a sequencer never hands these out again (committed ones are in `taken`). */
export function pendingTakes(s: Pick<State, 'log' | 'commit'>): Set<TupleId> {
  const out = new Set<TupleId>();
  for (let i = s.commit; i < s.log.length; i++) {
    const e = s.log[i]!;
    if (e.kind === 'take') out.add(e.id);
  }
  return out;
}

/**
 * The present tuple (written, not taken, nor in `exclude`) that `template` matches first:
 * the lowest id, so every replica picks alike.
 */
export function firstMatch(s: Pick<State, 'tuples' | 'taken'>, template: readonly (Field | null)[], exclude?: ReadonlySet<TupleId>): TupleId | undefined {
  let best: TupleId | undefined;
  for (const id in s.tuples) if (s.taken[id] === undefined && (best === undefined || id < best) && !exclude?.has(id) && matches(template, s.tuples[id]!)) best = id;
  return best;
}

/** This node's removal from its group has committed: it serves nothing and holds nothing for anyone any more. */
export function markLeft(s: State, self: NodeId): void {
  s.leaving = 'left';
  if (s.leader === self) {
    s.leader = null;
    s.status = 'change';
  }
  s.blocked = [];
  s.reads = [];
  s.candidacy = null;
  s.covered = {};
}
