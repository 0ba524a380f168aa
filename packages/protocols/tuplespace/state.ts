import type { Context, NodeId, RequestId } from '@faultline/runtime';
import type { Msg, Res, Take, TupleId, Timer } from './messages.ts';
import { groupsOf, matches, type Field } from './tuples.ts';

export interface Waiting {
  readonly requestId: RequestId;
  /** An exact first field, then exact fields or `null` wildcards (a `Template`, stored mutable). */
  readonly template: (Field | null)[];
}

export interface State {
  /** Random per start: names this replica's outs (with its id) and tells a property about restarts. */
  incarnation: number;
  /** This node's partition and the members of its replica group; the first member is the sequencer. */
  partition: number;
  partitions: number;
  group: NodeId[];
  /** Every tuple written in this partition that this replica has seen. Never shrinks. */
  tuples: Record<TupleId, Field[]>;
  /** Per origin, the ids of its outs in the order it wrote them: the operation vector is their lengths. */
  outs: Record<string, TupleId[]>;
  /** The partition's ordered log of takes (a prefix of the sequencer's), and the same as a map. */
  log: Take[];
  taken: Record<TupleId, RequestId>;
  /** At the sequencer: `in`s waiting for a match, oldest first (bounded). */
  blocked: Waiting[];
  /** `rd`s waiting for a match at this replica, oldest first (bounded). */
  reads: Waiting[];
}

export type Ctx = Context<State, Msg, Res, Timer>;

export function initialState(self: NodeId, cluster: readonly NodeId[]): State {
  const groups = groupsOf(cluster);
  const partition = Math.max(0, groups.findIndex((g) => g.includes(self)));
  return {
    incarnation: 0,
    partition,
    partitions: groups.length,
    group: groups[partition] ?? [self],
    tuples: {},
    outs: {},
    log: [],
    taken: {},
    blocked: [],
    reads: [],
  };
}

export function originOf(self: NodeId, incarnation: number): string {
  return `${self}.${incarnation}`;
}

export function sequencerOf(s: Pick<State, 'group'>): NodeId {
  return s.group[0]!;
}

/** The present tuple (written, not taken) that `template` matches first: the lowest id, so every replica picks alike. */
export function firstMatch(s: Pick<State, 'tuples' | 'taken'>, template: readonly (Field | null)[]): TupleId | undefined {
  let best: TupleId | undefined;
  for (const id in s.tuples) if (s.taken[id] === undefined && (best === undefined || id < best) && matches(template, s.tuples[id]!)) best = id;
  return best;
}
