import type { NodeId, RequestId } from '@faultline/runtime';

/** The delivery guarantee a client asks for. Every level is delivered in the view's total order. */
export type ServiceLevel = 'fifo' | 'agreed' | 'safe';

/** A client asks the node it talks to to multicast `payload` to the group. */
export type Req = { readonly type: 'mcast'; readonly service: ServiceLevel; readonly payload: string };

/**
 * The node replies once it has delivered the message itself (`delivered`, naming the view
 * it was delivered in), or at once with `busy` when its buffers are full.
 */
export type Res = { readonly type: 'delivered'; readonly id: string; readonly view: string } | { readonly type: 'busy' };

/** A node incarnation: a restarted node is a new member. */
export interface Member {
  readonly node: NodeId;
  readonly inc: number;
}

/**
 * Names a view (and the proposal that formed it): ordered by epoch, then coordinator, then
 * the coordinator's incarnation. The coordinator of a view is also its sequencer.
 */
export interface ViewId {
  readonly epoch: number;
  readonly coord: NodeId;
  readonly inc: number;
}

export interface View {
  readonly id: ViewId;
  /** Sorted by node id. */
  readonly members: Member[];
}

/** One multicast message: `n` counts the sender incarnation's messages from 0. */
export interface AppMsg {
  readonly id: string;
  readonly sender: NodeId;
  readonly inc: number;
  readonly n: number;
  readonly service: ServiceLevel;
  readonly payload: string;
  readonly requestId: RequestId;
}

/** A message with its place (`gseq`, from 1) in its view's total order. */
export interface Ordered {
  readonly gseq: number;
  readonly msg: AppMsg;
}

/** What a coordinator decided about one old view: what its members that move to the new view deliver in it. */
export interface OldViewPlan {
  readonly view: string;
  /** The transitional configuration: the new view's members that come from this old view. */
  readonly trans: NodeId[];
  /** Every member of `trans` delivers the ordered messages up to here (the union's first gap). */
  readonly upTo: number;
  /** The union's messages above the least delivered position, up to `upTo`. */
  readonly ordered: Ordered[];
  /** Then the transitional members' own messages that were never delivered in order, by sender and number. */
  readonly appended: AppMsg[];
}

export type Msg =
  /** Liveness, membership and view agreement; `seq` orders one incarnation's heartbeats. */
  | {
      readonly type: 'Hb';
      readonly inc: number;
      readonly seq: number;
      readonly view: string;
      readonly blocked: boolean;
      readonly maxEpoch: number;
      /** The sender's stability point when it is the sequencer of `view` (else -1). */
      readonly stable: number;
    }
  /** Member to sequencer: order this; `firstPending` is the sender's lowest undelivered `n`. */
  | { readonly type: 'Submit'; readonly view: string; readonly msg: AppMsg; readonly firstPending: number }
  | { readonly type: 'Ordered'; readonly view: string; readonly item: Ordered; readonly stable: number }
  /** Member to sequencer: I hold every ordered message up to `contig`. */
  | { readonly type: 'Ack'; readonly view: string; readonly contig: number }
  | { readonly type: 'Stable'; readonly view: string; readonly stable: number }
  | { readonly type: 'Propose'; readonly proposal: ViewId; readonly members: Member[] }
  | { readonly type: 'Nack'; readonly proposal: ViewId; readonly accepted: ViewId }
  | { readonly type: 'Flush'; readonly proposal: ViewId; readonly report: FlushReport }
  | { readonly type: 'Install'; readonly proposal: ViewId; readonly members: Member[]; readonly plans: OldViewPlan[] }
  | { readonly type: 'InstallAck'; readonly proposal: ViewId };

/** A member's answer to a proposal: its old view and every message of it that it holds. */
export interface FlushReport {
  readonly member: Member;
  readonly view: string;
  /** How many of the old view's ordered messages it has delivered. */
  readonly delivered: number;
  /** Ordered messages of the old view it still holds (delivered or not). */
  readonly held: Ordered[];
  /** Its own messages of the old view that it has not delivered, by `n`. */
  readonly unordered: AppMsg[];
}

/** `tick`: retransmissions, acks and membership checks; `hb`: heartbeats. */
export type Timer = 'tick' | 'hb';
