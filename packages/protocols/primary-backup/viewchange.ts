/**
 * View changes, as a ballot protocol over the voters: Prepare/Promise (phase 1) and
 * StartView (phase 2). A view is formed by the node that proposed it, which becomes its
 * primary, with the most up-to-date state among the promisers; the votes that count are
 * those of that state's voters.
 */
import type { NodeId } from '@faultline/runtime';
import { TIMING } from './config.ts';
import type { Ballot, Msg, Store, ViewInfo } from './messages.ts';
import { timing, type Ctx } from './state.ts';
import { advanceCommit, sendUpdates, stepDown } from './replication.ts';
import {
  addKnown,
  majority,
  redirectWaiting,
  resetElectionDeadline,
  sameBallot,
  successionRank,
  viewBallot,
} from './views.ts';

type PrepareMsg = Extract<Msg, { type: 'Prepare' }>;
type PromiseMsg = Extract<Msg, { type: 'Promise' }>;
type RejectMsg = Extract<Msg, { type: 'Reject' }>;
type StartViewMsg = Extract<Msg, { type: 'StartView' }>;

/** Starts a view change with a ballot above anything seen; this node promises it first. */
export function startProposal(ctx: Ctx, reason: string): void {
  const s = ctx.state;
  const voters = s.store.voters;
  const index = voters.indexOf(s.self);
  if (s.status !== 'member' || s.view === null || s.proposal !== null || index < 0) return; // only voters lead
  const ballot: Ballot = { num: ballotAbove(Math.max(s.maxSeenNum, s.promised.num, s.view.num), index, voters.length), node: s.self, inc: s.incarnation };
  ctx.log('propose', ballot.num, reason);
  const previous = s.promised;
  s.promised = ballot;
  s.maxSeenNum = ballot.num;
  // A primary keeps its role meanwhile: it takes no new requests (it has promised a higher
  // ballot) but still counts acks for ops already sent, and resumes if the proposal fails.
  s.proposal = {
    ballot,
    promises: { [s.self]: { nodeInc: s.incarnation, snapshot: null } },
    admitted: { ...s.pendingJoins },
    emptyPromises: {},
    rejected: {},
    previous,
    quorumAtMs: null,
    deadlineMs: ctx.now() + TIMING.proposalTimeoutMs,
  };
  ctx.broadcast({ type: 'Prepare', ballot }, s.known);
  tryForm(ctx);
}

/**
 * The smallest view number above `floor` that belongs to voter `index` of `count`:
 * numbers are dealt out round-robin, so within one configuration a view number names its
 * primary. (Two voters of configurations of different sizes may pick the same number; a
 * node promises at most one ballot per number, so at most one of them forms a view.)
 */
export function ballotAbove(floor: number, index: number, count: number): number {
  const first = index + 1;
  return floor < first ? first : first + count * (Math.floor((floor - first) / count) + 1);
}

export function onPrepare(ctx: Ctx, from: NodeId, msg: PrepareMsg): void {
  const s = ctx.state;
  if (s.status === 'recovering') return promiseEmpty(ctx, from, msg.ballot);
  const b = msg.ballot;
  s.maxSeenNum = Math.max(s.maxSeenNum, b.num);
  addKnown(ctx, from);
  if (sameBallot(b, s.promised)) {
    if (s.view?.num !== b.num) sendPromise(ctx, from, b); // a retransmitted Prepare
    return;
  }
  if (b.num <= s.promised.num || hasLivePrimary(ctx, from)) {
    ctx.send(from, { type: 'Reject', ballot: b, promised: s.promised.num });
    return;
  }
  s.proposal = null; // our own attempt, if any, loses to the higher ballot
  if (s.primary !== null) stepDown(ctx, from);
  s.promised = b;
  resetElectionDeadline(ctx); // if the proposer dies before StartView, we take over
  sendPromise(ctx, from, b);
}

/**
 * A recovering node has no state and no memory of its past promises (nor of whether it is
 * a voter), so its promise is no vote: a proposer counts it only once every voter has
 * answered (see `tryForm`). It still binds this incarnation, which then installs no view
 * below the ballot.
 */
function promiseEmpty(ctx: Ctx, from: NodeId, b: Ballot): void {
  const s = ctx.state;
  s.maxSeenNum = Math.max(s.maxSeenNum, b.num);
  if (!sameBallot(b, s.promised)) {
    if (b.num <= s.promised.num) {
      ctx.send(from, { type: 'Reject', ballot: b, promised: s.promised.num });
      return;
    }
    s.promised = b;
  }
  ctx.send(from, { type: 'Promise', ballot: b, nodeInc: s.incarnation, snapshot: null });
}

function sendPromise(ctx: Ctx, to: NodeId, ballot: Ballot): void {
  const s = ctx.state;
  ctx.send(to, { type: 'Promise', ballot, nodeInc: s.incarnation, snapshot: s.store });
}

/**
 * Stickiness: a member that hears its primary, or a primary that hears its members, turns
 * down a view change it does not need, so one node's lost heartbeats do not depose a
 * working primary. (Refusing a promise is always safe.)
 */
function hasLivePrimary(ctx: Ctx, proposer: NodeId): boolean {
  const s = ctx.state;
  const v = s.view;
  if (s.status !== 'member' || v === null || s.promised.num !== v.num) return false;
  const now = ctx.now();
  const { suspectMs } = timing(s);
  if (v.primary === s.self) {
    const p = s.primary;
    return p !== null && v.members.every((m) => m === s.self || m === proposer || now - (p.lastAckMs[m] ?? -Infinity) < suspectMs);
  }
  return proposer !== v.primary && now - s.lastHeardPrimaryMs < suspectMs;
}

export function onPromise(ctx: Ctx, from: NodeId, msg: PromiseMsg): void {
  const pr = ctx.state.proposal;
  if (pr === null || !sameBallot(pr.ballot, msg.ballot)) return;
  if (msg.snapshot === null) pr.emptyPromises[from] = msg.nodeInc;
  else pr.promises[from] = { nodeInc: msg.nodeInc, snapshot: msg.snapshot };
  tryForm(ctx);
}

export function onReject(ctx: Ctx, from: NodeId, msg: RejectMsg): void {
  const s = ctx.state;
  const pr = s.proposal;
  s.maxSeenNum = Math.max(s.maxSeenNum, msg.promised);
  if (pr === null || !sameBallot(pr.ballot, msg.ballot)) return;
  const voters = newestState(s).voters;
  if (!voters.includes(from)) return;
  if (msg.promised >= pr.ballot.num) {
    // Outbid (perhaps by a proposer that has since died): try again soon, above that ballot.
    abandon(ctx, 'outbid');
    s.electionDeadlineMs = ctx.now() + ctx.randomInt(TIMING.jitterMs);
    return;
  }
  pr.rejected[from] = true; // it hears a live primary
  if (voters.length - voters.filter((v) => pr.rejected[v]).length < majority(voters.length)) abandon(ctx, 'rejected');
}

/** Retransmits Prepare to whoever has not answered, forms the view when it can, or gives up. */
export function proposalTick(ctx: Ctx): void {
  const s = ctx.state;
  const pr = s.proposal!;
  if (ctx.now() >= pr.deadlineMs) {
    abandon(ctx, 'timeout');
    return;
  }
  for (const n of s.known) {
    if (pr.promises[n] === undefined && pr.emptyPromises[n] === undefined && pr.rejected[n] === undefined) ctx.send(n, { type: 'Prepare', ballot: pr.ballot });
  }
  tryForm(ctx);
}

/**
 * A failed proposal gives back its own promise (nobody else relies on it: the ballot is
 * never used again), so a node that suspected a live primary returns to following it.
 */
function abandon(ctx: Ctx, why: string): void {
  const s = ctx.state;
  const pr = s.proposal!;
  ctx.log('abandon', pr.ballot.num, why);
  if (sameBallot(s.promised, pr.ballot)) s.promised = pr.previous;
  s.proposal = null;
  resetElectionDeadline(ctx);
}

/**
 * Forms the view once a majority of voters has promised with state: at once if every
 * member of the old view and every voter has promised, else after a short grace. The
 * voters are those of the newest state among the promisers (and the proposer): a promiser
 * may know of a voter op the proposer has not applied, and then the new configuration's
 * majority is needed (it meets the majority of every view that had applied the op).
 *
 * Or once every voter has promised, some of them recovering (empty): with a majority of
 * voters restarted there is no majority of them left, but an op acknowledged by any view
 * is on every member of it, voters included, so a voter that still has it has promised
 * with its state. The recovering ones are admitted with the view.
 */
function tryForm(ctx: Ctx): void {
  const s = ctx.state;
  const pr = s.proposal!;
  const voters = newestState(s).voters;
  let votes = 0;
  for (const f of voters) if (pr.promises[f] !== undefined) votes++;
  if (votes < majority(voters.length)) {
    if (!voters.every((f) => pr.promises[f] !== undefined || pr.emptyPromises[f] !== undefined)) return;
    Object.assign(pr.admitted, pr.emptyPromises);
    form(ctx);
    return;
  }
  const now = ctx.now();
  if (pr.quorumAtMs === null) pr.quorumAtMs = now;
  // Nodes being admitted are recovering: they do not promise, so nobody waits for them.
  const everyone = [...voters, ...(s.view?.members ?? [])].every((n) => pr.promises[n] !== undefined || n in pr.admitted);
  if (everyone || now - pr.quorumAtMs >= TIMING.formGraceMs) form(ctx);
}

/**
 * Adopts the most up-to-date state among the promisers and becomes primary of the new
 * view. States are ordered by the view that created their last op, then by length (as
 * Raft orders logs): two states whose last ops were created in the same view are prefixes
 * of that view's op sequence, and only an active view creates ops.
 */
function form(ctx: Ctx): void {
  const s = ctx.state;
  const pr = s.proposal!;
  const best = newestState(s);
  if (best !== s.store) s.store = best;
  const members = [...new Set([...Object.keys(pr.promises), ...Object.keys(pr.admitted)])].sort();
  const memberInc: Record<NodeId, number> = { ...pr.admitted };
  for (const [node, promise] of Object.entries(pr.promises)) memberInc[node] = promise.nodeInc;
  becomePrimary(ctx, { num: pr.ballot.num, primary: s.self, inc: s.incarnation, members }, pr.admitted, memberInc);
}

/** The most up-to-date state among the proposer's own and its promisers' (the proposer's own on a tie). */
function newestState(s: Ctx['state']): Store {
  let best: Store = s.store;
  for (const [node, promise] of Object.entries(s.proposal!.promises)) {
    if (node === s.self || promise.snapshot === null) continue; // our own state: s.store
    if (newer(promise.snapshot, best)) best = promise.snapshot;
  }
  return best;
}

function newer(a: Store, b: Store): boolean {
  return a.lastView > b.lastView || (a.lastView === b.lastView && a.seq > b.seq);
}

/** Installs `view` with this node as primary and starts bringing every member into it. */
export function becomePrimary(
  ctx: Ctx,
  view: ViewInfo,
  admitted: Record<NodeId, number>,
  memberInc: Record<NodeId, number>,
): void {
  const s = ctx.state;
  ctx.log('primary of view', view.num, 'members', view.members.join(','));
  s.view = view;
  s.viewRank = successionRank(s);
  s.status = 'member';
  s.promised = { num: view.num, node: s.self, inc: s.incarnation };
  s.proposal = null;
  s.primaryHint = s.self;
  const now = ctx.now();
  const acked: Record<NodeId, number> = {};
  const lastAckMs: Record<NodeId, number> = {};
  for (const m of view.members) {
    acked[m] = m === s.self ? s.store.seq : -1;
    lastAckMs[m] = now;
    addKnown(ctx, m);
    delete s.pendingJoins[m];
  }
  s.primary = { acked, lastAckMs, log: [], startSeq: s.store.seq, commitSeq: -1, queued: [], memberInc, admitted };
  // Requests whose op did not survive into the adopted state will be retried by their clients.
  for (const [requestId, client] of Object.entries(s.waiting)) {
    if (s.store.sessions[client]?.requestId !== requestId) delete s.waiting[requestId];
  }
  for (const m of view.members) if (m !== s.self) sendUpdates(ctx, m);
  advanceCommit(ctx);
}

export function onStartView(ctx: Ctx, from: NodeId, msg: StartViewMsg): void {
  const s = ctx.state;
  const { ballot, view } = msg;
  s.maxSeenNum = Math.max(s.maxSeenNum, ballot.num);
  addKnown(ctx, from);
  const listed = view.members.includes(s.self);
  if (s.status === 'member' && s.view !== null && sameBallot(viewBallot(s), ballot)) {
    if (listed) ack(ctx, from); // a retransmission: our Ack was lost
    return;
  }
  const promisedIt = s.status !== 'recovering' && sameBallot(ballot, s.promised);
  const admittedIt = msg.admitted[s.self] === s.incarnation && ballot.num >= s.promised.num; // a recovering node: its first view
  if (listed && (promisedIt || admittedIt)) {
    install(ctx, from, msg);
    return;
  }
  if (ballot.num < s.promised.num) {
    ctx.send(from, { type: 'Stale', promised: s.promised.num, view: s.view });
    return;
  }
  // Left out (or listed under an older incarnation): ask to be admitted.
  s.primaryHint = from;
  if (s.status !== 'recovering') leaveView(ctx, from);
  ctx.send(from, { type: 'Join', node: s.self, inc: s.incarnation });
}

function install(ctx: Ctx, from: NodeId, msg: StartViewMsg): void {
  const s = ctx.state;
  if (s.primary !== null || Object.keys(s.waiting).length > 0) stepDown(ctx, from);
  s.view = msg.view;
  s.store = msg.snapshot;
  s.viewRank = successionRank(s);
  s.promised = msg.ballot;
  s.status = 'member';
  s.proposal = null;
  s.joinStatus = {};
  s.peerIncarnations = {};
  s.pendingJoins = {};
  s.primaryHint = from;
  s.lastHeardPrimaryMs = ctx.now();
  for (const m of msg.view.members) addKnown(ctx, m);
  for (const f of msg.snapshot.voters) addKnown(ctx, f);
  resetElectionDeadline(ctx);
  ack(ctx, from);
}

function ack(ctx: Ctx, to: NodeId): void {
  const s = ctx.state;
  const v = s.view!;
  ctx.send(to, { type: 'Ack', view: v.num, primaryInc: v.inc, seq: s.store.seq, nodeInc: s.incarnation });
}

/**
 * A member that has not heard from its primary in time: a voter starts a view change; a
 * joiner not yet a voter, which cannot lead, asks every node it knows to be admitted to
 * whatever view is current (a primary that never knew of it would otherwise never call on it).
 */
export function memberTick(ctx: Ctx): void {
  const s = ctx.state;
  if (ctx.now() < s.electionDeadlineMs) return;
  if (s.store.voters.includes(s.self)) {
    startProposal(ctx, 'primary silent');
    return;
  }
  ctx.broadcast({ type: 'Join', node: s.self, inc: s.incarnation }, s.known);
  resetElectionDeadline(ctx);
}

/** We learned of a newer view without us: keep our state (and our vote) and ask to rejoin. */
export function leaveView(ctx: Ctx, primary: NodeId): void {
  const s = ctx.state;
  ctx.log('outside view; joining through', primary);
  s.status = 'outsider';
  s.primary = null;
  s.proposal = null;
  s.primaryHint = primary;
  redirectWaiting(ctx, primary);
}
