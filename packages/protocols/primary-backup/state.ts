import type { ClientId, Context, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import { TIMING, type Bug, type Options, type Timing } from './config.ts';
import type { Ballot, Msg, Op, Req, Res, Store, Timer, ViewInfo } from './messages.ts';

/**
 * - `recovering`: empty (first start or restart); asks to be admitted, never votes or acks.
 * - `member`: has installed a view that lists it.
 * - `outsider`: has state but learned of a newer view that does not list it; asks to rejoin.
 */
export type Status = 'recovering' | 'member' | 'outsider';

/** What the primary of the installed view keeps. */
export interface PrimaryRole {
  /** Per member, the highest op seq it has confirmed; -1 until it has installed the view. */
  acked: Record<NodeId, number>;
  /** Per member, local time of its last Ack. */
  lastAckMs: Record<NodeId, number>;
  /** Ops that some member may not have yet, oldest first. */
  log: Op[];
  /** The op seq of the state the view started with. */
  startSeq: number;
  /** Every member has every op up to here; -1 while some member has not installed the view. */
  commitSeq: number;
  /** Requests that arrived before every member had installed the view (bounded), handled once it has. */
  queued: { requestId: RequestId; client: ClientId; req: Req }[];
  /** Per member, the incarnation it had when it promised, was admitted or last acked. */
  memberInc: Record<NodeId, number>;
  /** The recovering nodes this view admitted, repeated in every StartView retransmission. */
  admitted: Record<NodeId, number>;
}

/** What a node trying to form a new view keeps. */
export interface Proposal {
  ballot: Ballot;
  /** Promises received, by node: its incarnation and its state (null for the proposer's own). */
  promises: Record<NodeId, { nodeInc: number; snapshot: Store | null }>;
  /** Recovering nodes that promised, by incarnation: no state and no memory, admitted if the view forms. */
  emptyPromises: Record<NodeId, number>;
  /** Voters that refused; once a majority is out of reach the proposal is abandoned. */
  rejected: Record<NodeId, true>;
  /** What this node had promised before promising its own ballot, restored if the proposal fails. */
  previous: Ballot;
  /** Recovering nodes to admit, by incarnation. */
  admitted: Record<NodeId, number>;
  /** When a majority of voters had promised (null: not yet). */
  quorumAtMs: number | null;
  deadlineMs: number;
}

export interface State {
  readonly self: NodeId;
  /** The seeded bug this node runs with, if any (configuration, never changed). */
  readonly bug: Bug | null;
  /** The founders as configured: the first view's voters, bootstrapped by the first founder. */
  readonly configFounders: readonly NodeId[];
  /** Timings other than `TIMING`, when the options set some (configuration, never changed); read it through `timing`. */
  readonly timing?: Timing;
  /** Under the quick start (`Options.quickStart`; configuration, never changed); absent otherwise. */
  readonly quickStart?: true;
  /** Drawn at every start: a restarted node is a new incarnation. */
  incarnation: number;
  status: Status;
  /** Every node this one knows of (founders, joiners, contacts), bounded. */
  known: NodeId[];
  /** The installed view (null while recovering). */
  view: ViewInfo | null;
  /** The highest ballot this node has promised; it accepts nothing older. */
  promised: Ballot;
  store: Store;
  /** The highest view or ballot number heard of: the next proposal goes above it. */
  maxSeenNum: number;
  /** A member that has not heard from a primary by then starts a view change. */
  electionDeadlineMs: number;
  /**
   * This node's place in line to succeed the primary of its view (see `successionRank`),
   * worked out when the view is installed: it is read on every heartbeat.
   */
  viewRank: number;
  lastHeardPrimaryMs: number;
  primary: PrimaryRole | null;
  proposal: Proposal | null;
  /** Client requests this node (as primary) will answer once their op commits. */
  waiting: Record<RequestId, ClientId>;
  /** Join requests the primary will admit with its next view change. */
  pendingJoins: Record<NodeId, number>;
  /** Recovering only: each peer's answer to our Join (true: it has state). */
  joinStatus: Record<NodeId, boolean>;
  /** Recovering only: the incarnations of peers that are themselves recovering. */
  peerIncarnations: Record<NodeId, number>;
  /** A node believed to be primary, for a node outside the view to join through. */
  primaryHint: NodeId | null;
}

export type Ctx = Context<State, Msg, Res, Timer>;

export const NO_BALLOT: Ballot = { num: 0, node: '', inc: 0 };

/** A time before any clock reading (clocks may be skewed below zero), kept JSON-safe. */
export const NEVER = -1e15;

/** This node's timings. */
export function timing(s: State): Timing {
  return s.timing ?? TIMING;
}

export function emptyStore(founders: readonly NodeId[] = []): Store {
  return { seq: 0, lastView: 0, voters: [...founders], data: {}, sessions: {} };
}

export function initialState(node: NodeInfo, options: Options = {}): State {
  return {
    self: node.self,
    bug: options.bug ?? null,
    configFounders: [...(options.founders ?? node.cluster)],
    ...(options.tickMs === undefined && options.suspectMs === undefined
      ? {}
      : { timing: { ...TIMING, tickMs: options.tickMs ?? TIMING.tickMs, suspectMs: options.suspectMs ?? TIMING.suspectMs } }),
    ...(options.quickStart === true ? { quickStart: true as const } : {}),
    incarnation: 0,
    status: 'recovering',
    known: node.cluster.filter((n) => n !== node.self),
    view: null,
    promised: NO_BALLOT,
    store: emptyStore(),
    maxSeenNum: 0,
    electionDeadlineMs: 0,
    viewRank: 0,
    lastHeardPrimaryMs: NEVER,
    primary: null,
    proposal: null,
    waiting: {},
    pendingJoins: {},
    joinStatus: {},
    peerIncarnations: {},
    primaryHint: null,
  };
}
