import type { ClientId, Context, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import { paceOver } from '../shared/pace.ts';
import { LIMITS, TIMING, type Bug, type Options, type Pace } from './config.ts';
import type { AppMsg, FlushReport, GroupTable, Member, Msg, Ordered, Req, Res, Timer, View, ViewId } from './messages.ts';

/**
 * One entry of a node's application-level delivery stream, in delivery order:
 * - `view`: a regular view was installed (the first entry is the node's singleton view),
 *   with its group table;
 * - `trans`: the transitional configuration that closes `view`: the members moving on
 *   together; the messages after it (until the next `view`) were delivered by the flush;
 * - `msg`: a message delivered in `view` (`gseq` null: appended by the flush, never ordered);
 *   every node of the view delivers every message of its order (and applies its joins and
 *   leaves); `to` says whether it delivered it to its application (it is in one of the
 *   message's groups at that point).
 */
export type Delivery =
  | { readonly k: 'view'; readonly view: string; readonly members: Member[]; readonly groups: GroupTable }
  | { readonly k: 'trans'; readonly view: string; readonly members: NodeId[] }
  | {
      readonly k: 'msg';
      readonly view: string;
      readonly id: string;
      readonly op: AppMsg['op'];
      readonly groups: string[];
      readonly sender: NodeId;
      readonly inc: number;
      readonly n: number;
      readonly seen: number;
      readonly service: AppMsg['service'];
      readonly gseq: number | null;
      readonly trans: boolean;
      readonly to: boolean;
    };

/** What a node hears of a peer through its heartbeats. */
export interface PeerInfo {
  atMs: number;
  inc: number;
  seq: number;
  view: string;
  blocked: boolean;
}

/** What the sequencer of the installed view keeps. */
export interface SequencerRole {
  /** The last gseq handed out. */
  last: number;
  /** Per sender, the next `n` it orders (unknown until the sender's first submission). */
  expected: Record<NodeId, number>;
  /** Per sender, submissions that arrived ahead of `expected`, bounded. */
  holdback: Record<NodeId, AppMsg[]>;
  /** Per member, the highest contiguous gseq it holds. */
  acked: Record<NodeId, number>;
}

/** A view change this node coordinates. */
export interface Proposal {
  id: ViewId;
  members: Member[];
  reports: Record<NodeId, FlushReport>;
  startedAtMs: number;
  /** Once every report is in: the Install sent, retransmitted to members that have not acked. */
  install: Extract<Msg, { type: 'Install' }> | null;
  installAcked: Record<NodeId, true>;
}

export interface State {
  readonly self: NodeId;
  readonly bug: Bug | null;
  /** Timings other than `TIMING`, when the options set some (configuration, never changed); read it through `pace`. */
  readonly pace?: Pace;
  /** Drawn at every start: a restarted node is a new member with an empty history. */
  incarnation: number;
  view: View;
  viewKey: string;
  installedAtMs: number;
  /** Has accepted a proposal: delivers and sends nothing in the old view until the new one is installed. */
  blocked: boolean;
  /** The highest proposal accepted (the installed view's own id when none is pending). */
  accepted: ViewId;
  blockedAtMs: number;
  /** The highest epoch heard of: a new proposal goes above it. */
  maxEpoch: number;
  hbSeq: number;
  peers: Record<NodeId, PeerInfo>;
  /** Since when the membership has looked wrong (null: it looks right). */
  unsettledSinceMs: number | null;
  proposal: Proposal | null;
  // Sending.
  nextN: number;
  /** Own messages of this incarnation delivered back to it (every one of the `nextN` sent must be). */
  ownDelivered: number;
  /** Own messages submitted in this view and not yet delivered, by `n`. */
  pending: AppMsg[];
  /** Highest own `n` seen in this view's order (no need to resubmit up to here). */
  ownOrderedN: number;
  queued: { requestId: RequestId; client: ClientId; req: Req }[];
  /**
   * The last `LIMITS.maxRecentRequests` request ids (to drop a duplicated client request), as
   * a ring: `recentRequests[recentNext]` is the oldest once it is full, and remembering one
   * more overwrites it (one write through the draft; a shift or a copy moved every id
   * through immer's traps).
   */
  recentRequests: RequestId[];
  recentNext: number;
  // Receiving in the installed view.
  /** Ordered messages held, by gseq: undelivered ones, and delivered ones not yet stable. */
  buffer: Record<number, Ordered>;
  /** Every gseq up to here is held or was delivered. */
  contig: number;
  /** The `contig` last acknowledged to the sequencer. */
  ackedTo: number;
  /** Every gseq up to here has been delivered and is stable, and is no longer held. */
  collected: number;
  delivered: number;
  /** Every member holds every gseq up to here. */
  stable: number;
  /** The installed view's groups, as the messages delivered so far in it leave them. */
  groups: Record<string, NodeId[]>;
  /** Only with the causal-on-receipt bug: messages delivered ahead of their position, skipped when it comes. */
  early: string[];
  sequencer: SequencerRole | null;
  /**
   * The application-level delivery stream (what the properties look at): its most recent
   * entries, `logBase` of them having been dropped before `log[0]` (see `LIMITS.logWindow`).
   */
  log: Delivery[];
  logBase: number;
  /** The messages delivered in the installed view: how many, and a digest of their ids in order. */
  viewStream: { count: number; digest: number };
}

export type Ctx = Context<State, Msg, Res, Timer>;

export function viewKey(id: ViewId): string {
  return `${id.epoch}.${id.coord}.${id.inc}`;
}

export function compareViewIds(a: ViewId, b: ViewId): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  if (a.coord !== b.coord) return a.coord < b.coord ? -1 : 1;
  return a.inc - b.inc;
}

export function sameMembers(a: readonly Member[], b: readonly Member[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.node !== b[i]!.node || a[i]!.inc !== b[i]!.inc) return false;
  return true;
}

export function sortMembers(ms: Member[]): Member[] {
  return ms.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/** This node's timings. */
export function pace(s: State): Pace {
  return s.pace ?? TIMING;
}

export function initialState(node: NodeInfo, options: Options = {}): State {
  const id: ViewId = { epoch: 0, coord: node.self, inc: 0 };
  const given = paceOver(TIMING, options.pace);
  return {
    self: node.self,
    bug: options.bug ?? null,
    ...(given !== undefined ? { pace: given } : {}),
    incarnation: 0,
    view: { id, members: [{ node: node.self, inc: 0 }] },
    viewKey: viewKey(id),
    installedAtMs: 0,
    blocked: false,
    accepted: id,
    blockedAtMs: 0,
    maxEpoch: 0,
    hbSeq: 0,
    peers: {},
    unsettledSinceMs: null,
    proposal: null,
    nextN: 0,
    ownDelivered: 0,
    pending: [],
    ownOrderedN: -1,
    queued: [],
    recentRequests: [],
    recentNext: 0,
    buffer: {},
    contig: 0,
    ackedTo: 0,
    collected: 0,
    delivered: 0,
    stable: 0,
    groups: {},
    early: [],
    sequencer: null,
    log: [],
    logBase: 0,
    viewStream: { count: 0, digest: DIGEST_SEED },
  };
}

const DIGEST_SEED = 0x811c9dc5;

/** Chains `id` into a stream digest (32-bit FNV-1a over its characters, then a separator). */
function chain(digest: number, id: string): number {
  let h = digest;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return Math.imul(h ^ 0x2c, 0x01000193) >>> 0;
}

/**
 * Appends one entry to the delivery stream, keeps the installed view's digest, and drops
 * the older half of the stream once it reaches `LIMITS.logWindow` entries.
 */
export function appendDelivery(s: State, e: Delivery): void {
  s.log.push(e);
  if (e.k === 'view') s.viewStream = { count: 0, digest: DIGEST_SEED };
  else if (e.k === 'msg') s.viewStream = { count: s.viewStream.count + 1, digest: chain(s.viewStream.digest, e.id) };
  if (s.log.length >= LIMITS.logWindow) {
    const drop = s.log.length - LIMITS.logWindow / 2;
    s.log.splice(0, drop);
    s.logBase += drop;
  }
}
