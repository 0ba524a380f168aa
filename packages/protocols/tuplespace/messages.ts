import type { NodeId, RequestId } from '@faultline/runtime';
import type { Directory, PartitionId } from './directory.ts';
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
  /** A partition's first entry: its interval, and the takes committed before it (those of the partition it was split from). */
  | { readonly kind: 'start'; readonly view: number; readonly lo: number; readonly hi: number; readonly taken: Record<TupleId, RequestId> }
  /** A new sequencer's first entry: committing it commits everything before it. */
  | { readonly kind: 'noop'; readonly view: number }
  /** From here on the partition's replica group is `group` (one member added or removed). */
  | { readonly kind: 'config'; readonly view: number; readonly group: NodeId[] }
  /**
   * The upper part of the interval, from `at`, is split off to a new partition `id`
   * replicated by `give` (members of this group); the rest of the group keeps the lower
   * part (rehash.ts).
   */
  | { readonly kind: 'split'; readonly view: number; readonly id: PartitionId; readonly at: number; readonly give: NodeId[] }
  /** The whole interval goes to the neighbouring partition `into`: from here on this partition takes nothing (rehash.ts). */
  | { readonly kind: 'merge'; readonly view: number; readonly into: PartitionId }
  /** Partition `from`'s interval `[lo, hi)` joins this one's, with the takes committed there (tuple to taker). */
  | { readonly kind: 'absorb'; readonly view: number; readonly from: PartitionId; readonly lo: number; readonly hi: number; readonly taken: Record<TupleId, RequestId> };

/** A take entry (the only kind that names a taker). */
export type Take = Extract<Entry, { kind: 'take' }>;

/** Outs written at one origin (a replica's incarnation), numbered from 0 there. */
export interface OutBatch {
  readonly origin: string;
  /** The origin-local number of the first tuple. */
  readonly from: number;
  /** `tuple` is null where the sender does not hold the tuple (outside its interval), with its key (-1: unknown). */
  readonly outs: readonly ({ readonly id: TupleId; readonly tuple: Tuple } | { readonly id: TupleId; readonly tuple: null; readonly key: number })[];
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
      readonly partition: PartitionId;
      readonly group: readonly NodeId[];
      readonly from: number;
      readonly prevView: number;
      readonly entries: readonly Entry[];
      readonly commit: number;
    }
  /**
   * A member's answer about `partition`'s log (a node moved by a split may still hear from
   * its old partition): in `view` (its own, if higher), its log matches the sequencer's up
   * to `length`, or (`ok` false) not at `length`; it has applied the first `commit`
   * entries (a member split off to another partition answers with the sender's commit).
   */
  | { readonly type: 'Ack'; readonly partition: PartitionId; readonly view: number; readonly leader: NodeId | null; readonly ok: boolean; readonly length: number; readonly commit: number }
  /** A candidate asks for votes for `view`: the promises it needs carry the logs past `commit`. */
  | { readonly type: 'Prepare'; readonly view: number; readonly partition: PartitionId; readonly commit: number }
  /** A vote: this member follows no sequencer of a lower view, and this is its log from `from`. */
  | { readonly type: 'Promise'; readonly partition: PartitionId; readonly view: number; readonly from: number; readonly entries: readonly Entry[]; readonly lastView: number; readonly length: number }
  /**
   * A node asks to be admitted as a replica (passed on towards a sequencer at most `hops`
   * times), carrying the directory as the nodes it passed know it.
   */
  | { readonly type: 'Join'; readonly node: NodeId; readonly hops: number; readonly dir: Directory }
  /**
   * A leaving replica of `partition`, every round: remove me (`ready`: another member's pull
   * has shown that it holds every out only the leaver could still give), or tell me I am
   * removed. Only that partition's sequencer answers (another's group never names it).
   */
  | { readonly type: 'Leave'; readonly partition: PartitionId; readonly ready: boolean }
  /** The sequencer's answer once the leaver is not in its committed group: it has left (in a merged partition: every member has applied the merge). */
  | { readonly type: 'Left' }
  /**
   * A replica of another partition to a sequencer whose group names it (a Join that
   * arrived late was admitted twice): remove me, I replicate nothing of yours.
   */
  | { readonly type: 'Elsewhere' }
  /** The answer to a Join, and gossip every round: the directory as the sender knows it, to route requests by. */
  | { readonly type: 'Map'; readonly dir: Directory }
  /** Tuples the sender holds outside its partition's interval, for a replica of the partition that holds them now (rehash.ts). */
  | { readonly type: 'Handoff'; readonly tuples: readonly { readonly id: TupleId; readonly tuple: Tuple }[] }
  /** The tuples of a Handoff that the receiver now holds. */
  | { readonly type: 'HandoffAck'; readonly ids: readonly TupleId[] }
  /** A member of partition `from`, merged into the receiver's: take over `[lo, hi)` with these takes. */
  | { readonly type: 'Absorb'; readonly from: PartitionId; readonly lo: number; readonly hi: number; readonly taken: Readonly<Record<TupleId, RequestId>> }
  /** Partition `from`'s interval is part of the sender's (`by`), as its committed log says. */
  | { readonly type: 'Absorbed'; readonly from: PartitionId; readonly by: PartitionId }
  /**
   * Partition `from` was merged into the sender's (`by`), whose committed interval no longer
   * borders it (it split the bordering part off since): ask `to`, which holds the keys next
   * to it as the sender's directory (also sent) says (rehash.ts).
   */
  | { readonly type: 'NotNeighbour'; readonly from: PartitionId; readonly by: PartitionId; readonly to: PartitionId; readonly dir: Directory }
  /**
   * From a member moved by a split to a member of the partition it was split from that asks
   * it for votes or acks: the split entry at index `at` of `partition`'s log, of view `view`,
   * has committed (rehash.ts).
   */
  | { readonly type: 'SplitDone'; readonly partition: PartitionId; readonly at: number; readonly view: number };

export type Timer = 'gossip';
