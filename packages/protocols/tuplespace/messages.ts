import type { RequestId } from '@faultline/runtime';
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

/** One entry of a partition's ordered log: request `by` took tuple `id`. */
export interface Take {
  readonly by: RequestId;
  readonly id: TupleId;
}

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
  /** Push, and the answer to a pull: the partition's log from index `from`. */
  | { readonly type: 'Log'; readonly from: number; readonly takes: readonly Take[] }
  /** Pull anti-entropy: the sender's operation vector (outs per origin) and log length. */
  | { readonly type: 'Pull'; readonly vector: Readonly<Record<string, number>>; readonly logLength: number };

export type Timer = 'gossip';
