import type { Context, NodeId, RequestId } from '@faultline/runtime';
import type { Entry, Msg, Res, TupleId, Timer } from './messages.ts';
import { groupsOf, matches, type Field } from './tuples.ts';

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
  /** This node's partition (-1 while it is joining) and that partition's group as its committed log says. */
  partition: number;
  group: NodeId[];
  /** Every partition's group as this node last heard of it: where requests are sent. */
  groups: NodeId[][];
  /** A joiner's contacts (the nodes it knew at start). */
  contacts: NodeId[];
  /** Every tuple written in this partition that this replica has seen. Never shrinks. */
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
export function initialState(self: NodeId, cluster: readonly NodeId[], founders: readonly NodeId[]): State {
  const groups = groupsOf(founders.filter((id) => cluster.includes(id)));
  const partition = founders.includes(self) ? groups.findIndex((g) => g.includes(self)) : -1;
  const group = partition < 0 ? [] : groups[partition]!;
  return {
    incarnation: 0,
    partition,
    group,
    groups: partition < 0 ? [] : groups,
    contacts: cluster.filter((id) => id !== self),
    tuples: {},
    outs: {},
    log: [],
    commit: 0,
    taken: {},
    view: 0,
    leader: group[0] ?? null,
    status: 'normal',
    silentRounds: 0,
    next: {},
    match: {},
    viewStart: 0,
    candidacy: null,
    blocked: [],
    reads: [],
  };
}

export function originOf(self: NodeId, incarnation: number): string {
  return `${self}.${incarnation}`;
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
