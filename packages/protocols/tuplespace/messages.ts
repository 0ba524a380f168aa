import type { NodeId, RequestId } from '@faultline/runtime';
import type { Template, Tuple } from './tuples.ts';

/** A tuple's id is the id of the `out` request that wrote it. */
export type TupleId = string;

export type Req =
  | { readonly type: 'out'; readonly tuple: Tuple }
  | { readonly type: 'rd'; readonly template: Template }
  | { readonly type: 'rdp'; readonly template: Template }
  | { readonly type: 'in'; readonly template: Template }
  | { readonly type: 'inp'; readonly template: Template };

export type Res =
  | { readonly type: 'written'; readonly id: TupleId }
  | { readonly type: 'tuple'; readonly id: TupleId; readonly tuple: Tuple }
  | { readonly type: 'none' };

/** One entry of a partition's log, stamped with the view whose sequencer appended it. */
export type Entry =
  /** Request `by` took tuple `id`. */
  | { readonly kind: 'take'; readonly view: number; readonly by: RequestId; readonly id: TupleId }
  /** A new sequencer's first entry: committing it commits everything before it. */
  | { readonly kind: 'noop'; readonly view: number }
  /** From here on the partition's replica group is `group` (one member added). */
  | { readonly kind: 'config'; readonly view: number; readonly group: NodeId[] };

/** A take entry (the only kind that names a taker). */
export type Take = Extract<Entry, { kind: 'take' }>;

/** Outs written at one origin (a replica's incarnation), numbered from 0 there. */
export interface OutBatch {
  readonly origin: string;
  /** The origin-local number of the first tuple. */
  readonly from: number;
  readonly outs: readonly { readonly id: TupleId; readonly tuple: Tuple }[];
}

export type Msg =
  /** Push, and the answer to a pull: outs of one origin, contiguous. */
  | { readonly type: 'Outs'; readonly batch: OutBatch }
  /** Pull anti-entropy: the sender's operation vector (outs per origin). */
  | { readonly type: 'Pull'; readonly vector: Readonly<Record<string, number>> }
  /**
   * The sequencer of `view` to a member: its log from `from` (the entry before it was
   * stamped `prevView`), how much of it is committed, and the partition's group. Sent on
   * every new entry and every round (the heartbeat and the retransmission).
   */
  | {
      readonly type: 'Accept';
      readonly view: number;
      readonly partition: number;
      readonly group: readonly NodeId[];
      readonly from: number;
      readonly prevView: number;
      readonly entries: readonly Entry[];
      readonly commit: number;
    }
  /** A member's answer: in `view` (its own, if higher), its log matches the sequencer's up to `length`, or (`ok` false) not at `length`. */
  | { readonly type: 'Ack'; readonly view: number; readonly leader: NodeId | null; readonly ok: boolean; readonly length: number }
  /** A candidate asks for votes for `view`: the promises it needs carry the logs past `commit`. */
  | { readonly type: 'Prepare'; readonly view: number; readonly partition: number; readonly commit: number }
  /** A vote: this member follows no sequencer of a lower view, and this is its log from `from`. */
  | { readonly type: 'Promise'; readonly view: number; readonly from: number; readonly entries: readonly Entry[]; readonly lastView: number; readonly length: number }
  /**
   * A node asks to be admitted as a replica (passed on towards a sequencer at most `hops`
   * times), carrying the groups as the nodes it passed know them (groups only grow, so the
   * longer of two lists is the newer).
   */
  | { readonly type: 'Join'; readonly node: NodeId; readonly hops: number; readonly groups: readonly (readonly NodeId[])[] }
  /**
   * A leaving replica, every round: remove me (`ready`: another member's pull has shown that
   * it holds every out only the leaver could still give), or tell me I am removed.
   */
  | { readonly type: 'Leave'; readonly ready: boolean }
  /** The sequencer's answer once the leaver is not in its committed group: it has left. */
  | { readonly type: 'Left' }
  /**
   * A replica of another partition to a sequencer whose group names it (a Join that
   * arrived late was admitted twice): remove me, I replicate nothing of yours.
   */
  | { readonly type: 'Elsewhere' }
  /** The answer to a Join: the partitions' groups as the sender knows them, to route requests by. */
  | { readonly type: 'Map'; readonly groups: readonly (readonly NodeId[])[] };

export type Timer = 'gossip';
