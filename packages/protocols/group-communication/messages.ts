import type { NodeId, RequestId } from '@faultline/runtime';

/**
 * The delivery guarantee a client asks for, weakest first: `reliable` (delivered to every
 * member that stays connected), `fifo` (and in the sender's order), `causal` (and after
 * every message its sender had delivered before sending it), `agreed` (and in one order at
 * every member, across groups), `safe` (and only once every member of the view holds it).
 * Every level is delivered in the view's one total order, so each gets at least what it
 * asks for.
 */
export type ServiceLevel = 'reliable' | 'fifo' | 'causal' | 'agreed' | 'safe';

/**
 * What a client asks the node it talks to: multicast `payload` to one or several named
 * groups (the sender need not be a member: groups are open), or make that node join or
 * leave a named group.
 */
export type Req =
  | { readonly type: 'mcast'; readonly service: ServiceLevel; readonly groups: string[]; readonly payload: string }
  | { readonly type: 'join'; readonly group: string }
  | { readonly type: 'leave'; readonly group: string };

/**
 * The node replies once it has processed the request in the view's order itself
 * (`delivered`, naming the view), at once with `busy` when its buffers are full, or with
 * `invalid` when the request is malformed (an empty or over-long group list, a bad name).
 */
export type Res =
  | { readonly type: 'delivered'; readonly id: string; readonly view: string }
  | { readonly type: 'busy' }
  | { readonly type: 'invalid'; readonly reason: string };

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

/**
 * One message of the view's order: a multicast to `groups`, or the sender joining or
 * leaving `groups[0]`. `n` counts the sender incarnation's messages from 0; `seen` is how
 * many positions of the view's order the sender had delivered when it sent it (its causal
 * past in the view: every member delivers those first).
 */
export interface AppMsg {
  readonly id: string;
  readonly op: 'mcast' | 'join' | 'leave';
  readonly groups: string[];
  readonly sender: NodeId;
  readonly inc: number;
  readonly n: number;
  readonly seen: number;
  readonly service: ServiceLevel;
  readonly payload: string;
  readonly requestId: RequestId;
}

/** The groups of a view: per group name, its members (node ids, sorted; a group with no member is absent). */
export type GroupTable = Record<string, NodeId[]>;

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
  | { readonly type: 'Install'; readonly proposal: ViewId; readonly members: Member[]; readonly plans: OldViewPlan[]; readonly groups: GroupTable }
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
  /** The groups it is a member of after its `delivered` positions, sorted. */
  readonly groups: string[];
}

/** `tick`: retransmissions, acks and membership checks; `hb`: heartbeats. */
export type Timer = 'tick' | 'hb';
