import type { ClientId, NodeId, RequestId } from '@faultline/runtime';

/**
 * Client requests. `seq` is the client's own request number (0, 1, 2, ...): the primary
 * keeps one session per client and ignores a request older than the last one it applied,
 * so a late duplicate of an old put can never overwrite a newer value. Retries of the
 * same request keep the same `requestId` and `seq`.
 */
export type Req =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly seq?: number }
  | { readonly type: 'get'; readonly key: string; readonly seq?: number };

/** Replies. A get returns the key's newest value, or null if it was never written. */
export type Res = { readonly type: 'put-ok' } | { readonly type: 'get-ok'; readonly value: string | null };

/** One client request in the primary's order: every replica applies ops by `seq`. */
export interface ClientOp {
  readonly seq: number;
  /** The view whose primary created it. */
  readonly view: number;
  readonly client: ClientId;
  readonly requestId: RequestId;
  readonly req: Req;
}

/**
 * A change of the voting configuration, ordered and replicated like a client request:
 * `node`, a member that is not yet a voter, becomes one once this op is applied.
 */
export interface VoterOp {
  readonly seq: number;
  readonly view: number;
  readonly addVoter: NodeId;
}

export type Op = ClientOp | VoterOp;

/** What a client's last applied request returned, replicated so a retry is answered, not re-applied. */
export interface Session {
  readonly reqSeq: number;
  readonly requestId: RequestId;
  readonly opSeq: number;
  readonly result: Res;
}

/**
 * The replicated state: the key-value store, the client sessions and the voting
 * configuration. (Arrays are typed mutable so a received snapshot can be assigned into an
 * immer draft; nothing mutates them outside a handler's draft.)
 */
export interface Store {
  /** How many ops have been applied: the sequence number of the last one. */
  readonly seq: number;
  /** The view in which the last applied op was created (0: none). With `seq`, it orders states. */
  readonly lastView: number;
  /**
   * The voters, whose majority must accept every view change: the founders, then every
   * joiner admitted since, in the order their `VoterOp`s were applied. It only grows, one
   * voter per op, so a majority of one configuration meets a majority of the next.
   */
  readonly voters: NodeId[];
  /** Per key, every value ever put, oldest first; a get returns the last one. */
  readonly data: Record<string, string[]>;
  readonly sessions: Record<ClientId, Session>;
}

/**
 * A ballot names one view-change attempt, and the view it forms. Numbers are dealt out to
 * voters round-robin, so within one configuration `num` alone names the proposer; `inc` (its incarnation) tells
 * apart the attempts of a voter before and after a restart.
 */
export interface Ballot {
  readonly num: number;
  readonly node: NodeId;
  readonly inc: number;
}

/** An installed view: its number, its primary (the proposer that formed it) and its members. */
export interface ViewInfo {
  readonly num: number;
  readonly primary: NodeId;
  /** The primary's incarnation, so a restarted primary's old messages are not mistaken for new ones. */
  readonly inc: number;
  readonly members: NodeId[];
}

export type Msg =
  /** A restarted or excluded node asks to be (re)admitted; forwarded to the primary. */
  | { readonly type: 'Join'; readonly node: NodeId; readonly inc: number }
  /** Answer to a Join from a node that is not the primary: whether it has state, and who leads. */
  | { readonly type: 'JoinStatus'; readonly inc: number; readonly stateful: boolean; readonly primary: NodeId | null }
  /** Phase 1 of a view change: promise to accept no smaller ballot, and send your state. */
  | { readonly type: 'Prepare'; readonly ballot: Ballot }
  | {
      readonly type: 'Promise';
      readonly ballot: Ballot;
      /** The promiser's incarnation, so the new primary can tell a later restart from a stale Join. */
      readonly nodeInc: number;
      /** null: a recovering node, which has no state (counted only once every voter has answered). */
      readonly snapshot: Store | null;
    }
  | { readonly type: 'Reject'; readonly ballot: Ballot; readonly promised: number }
  /** Phase 2: the new view with the primary's state; `admitted` lists recovering nodes by incarnation. */
  | {
      readonly type: 'StartView';
      readonly ballot: Ballot;
      readonly view: ViewInfo;
      readonly snapshot: Store;
      readonly admitted: Readonly<Record<NodeId, number>>;
    }
  /** Primary to member: ops after the member's last ack (none: a heartbeat). */
  | {
      readonly type: 'Replicate';
      readonly view: number;
      readonly primaryInc: number;
      readonly ops: readonly Op[];
    }
  /** Member to primary: I have installed `view` and applied every op up to `seq`. */
  | { readonly type: 'Ack'; readonly view: number; readonly primaryInc: number; readonly seq: number; readonly nodeInc: number }
  /** Primary to a known node outside its view: this view exists, ask me to join. */
  | { readonly type: 'Beacon'; readonly view: ViewInfo }
  /** "Your view is old": sent to a primary whose replication or StartView arrives too late. */
  | { readonly type: 'Stale'; readonly promised: number; readonly view: ViewInfo | null };

export type MsgType = Msg['type'];

/** The one timer: everything periodic (heartbeats, retransmission, suspicion, joins) runs on it. */
export type Timer = 'tick';
