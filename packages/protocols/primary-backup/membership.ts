/**
 * Joining: a recovering node (first start, restart or late join) and an outsider (a node
 * with state that a view left out) ask to be admitted; the primary admits them with its
 * next view change, which hands them the state. The very first view is bootstrapped by
 * the first founder once it has seen every founder empty (at its next tick, or at once
 * under the quick start: `Options.quickStart`).
 */
import type { NodeId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { Msg } from './messages.ts';
import { NEVER, emptyStore, type Ctx } from './state.ts';
import { ballotAbove, becomePrimary, leaveView } from './viewchange.ts';
import { addKnown, expediteElection, isActingPrimary } from './views.ts';

type JoinMsg = Extract<Msg, { type: 'Join' }>;
type JoinStatusMsg = Extract<Msg, { type: 'JoinStatus' }>;
type BeaconMsg = Extract<Msg, { type: 'Beacon' }>;
type StaleMsg = Extract<Msg, { type: 'Stale' }>;

export function onJoin(ctx: Ctx, from: NodeId, msg: JoinMsg): void {
  const s = ctx.state;
  addKnown(ctx, msg.node);
  if (msg.node === s.self) return;
  if (s.proposal !== null) {
    // Admit it with the view being formed, and with the next one should this one fail.
    s.proposal.admitted[msg.node] = msg.inc;
    queueJoin(ctx, msg);
    return;
  }
  if (isActingPrimary(s)) {
    const p = s.primary!;
    // A copy of a Join sent before this incarnation was admitted, or already a member: ignore.
    if (s.view!.members.includes(msg.node) && p.memberInc[msg.node] === msg.inc) return;
    queueJoin(ctx, msg);
    return;
  }
  if (s.status === 'recovering') {
    s.peerIncarnations[msg.node] = msg.inc;
    ctx.send(msg.node, { type: 'JoinStatus', inc: msg.inc, stateful: false, primary: s.primaryHint });
    if (s.quickStart === true) maybeBootstrap(ctx);
    return;
  }
  if (s.status === 'member' && s.view !== null && msg.node === s.view.primary && msg.inc !== s.view.inc) {
    // Our primary has restarted: no need to wait for its heartbeats to time out, and no
    // reason to turn down another member's view change.
    s.lastHeardPrimaryMs = NEVER;
    expediteElection(ctx);
    ctx.send(msg.node, { type: 'JoinStatus', inc: msg.inc, stateful: true, primary: null });
    return;
  }
  const primary = s.status === 'member' && s.view !== null ? s.view.primary : s.primaryHint;
  ctx.send(msg.node, { type: 'JoinStatus', inc: msg.inc, stateful: true, primary });
  if (primary !== null && primary !== s.self && primary !== msg.node && from === msg.node) ctx.send(primary, msg);
}

function queueJoin(ctx: Ctx, msg: JoinMsg): void {
  const s = ctx.state;
  if (msg.node in s.pendingJoins || Object.keys(s.pendingJoins).length < LIMITS.maxPendingJoins) {
    s.pendingJoins[msg.node] = msg.inc;
  }
}

export function onJoinStatus(ctx: Ctx, from: NodeId, msg: JoinStatusMsg): void {
  const s = ctx.state;
  if (msg.inc !== s.incarnation) return; // an answer to an earlier incarnation's Join
  if (s.status === 'recovering') {
    s.joinStatus[from] = msg.stateful;
    if (s.quickStart === true) maybeBootstrap(ctx);
  }
  if (msg.primary !== null && msg.primary !== s.self && s.status !== 'member') {
    s.primaryHint = msg.primary;
    addKnown(ctx, msg.primary);
  }
}

/** A primary's heartbeat to a node outside its view. */
export function onBeacon(ctx: Ctx, from: NodeId, msg: BeaconMsg): void {
  const s = ctx.state;
  const v = msg.view;
  s.maxSeenNum = Math.max(s.maxSeenNum, v.num);
  for (const m of v.members) addKnown(ctx, m);
  if (v.members.includes(s.self)) return; // it counts us in: its StartView or Replicate will follow
  if (s.status === 'recovering') {
    s.primaryHint = from;
    ctx.send(from, { type: 'Join', node: s.self, inc: s.incarnation });
  } else if (s.view === null || v.num > s.view.num) {
    // A newer view formed without us (even if we have since promised a ballot that failed):
    // our view is over. We keep our promise and our state, and ask to be admitted.
    if (s.status === 'member') leaveView(ctx, from);
    s.primaryHint = from;
    ctx.send(from, { type: 'Join', node: s.self, inc: s.incarnation });
  }
}

/** Our replication or StartView reached a node that has moved on. */
export function onStale(ctx: Ctx, _from: NodeId, msg: StaleMsg): void {
  const s = ctx.state;
  s.maxSeenNum = Math.max(s.maxSeenNum, msg.promised);
  const v = msg.view;
  if (s.status !== 'member' || v === null || v.members.includes(s.self)) return;
  if (s.view === null || v.num > s.view.num) leaveView(ctx, v.primary);
}

/**
 * The Join of a start. Under the quick start a founder other than the first sends it to
 * the first founder only, which answers, forwards it to its primary or admits it itself:
 * everything the Joins to the rest would have done, but finding the primary through
 * another node (one tick later, when the first founder is down).
 */
export function startJoin(ctx: Ctx): void {
  const s = ctx.state;
  const first = s.configFounders[0]!;
  if (s.quickStart === true && first !== s.self && s.configFounders.includes(s.self) && s.known.includes(first)) ctx.send(first, joinMsg(ctx));
  else joinTick(ctx);
}

/** A node outside any view asks to be admitted; the first founder may bootstrap the first view. */
export function joinTick(ctx: Ctx): void {
  const s = ctx.state;
  const join = joinMsg(ctx);
  if (s.status === 'outsider' && s.primaryHint !== null) ctx.send(s.primaryHint, join);
  else ctx.broadcast(join, s.known);
  if (s.status === 'recovering') maybeBootstrap(ctx);
}

function joinMsg(ctx: Ctx): JoinMsg {
  return { type: 'Join', node: ctx.state.self, inc: ctx.state.incarnation };
}

/**
 * When every other founder has answered this incarnation's Join saying it is empty too,
 * and nobody answered with state, there is no state anywhere to lose: the first founder
 * forms the first view with every founder as a member.
 */
function maybeBootstrap(ctx: Ctx): void {
  const s = ctx.state;
  const founders = s.configFounders;
  if (founders[0] !== s.self) return;
  if (Object.values(s.joinStatus).some((stateful) => stateful)) return;
  const others = founders.filter((f) => f !== s.self);
  if (!others.every((f) => s.joinStatus[f] === false && s.peerIncarnations[f] !== undefined)) return;
  const admitted: Record<NodeId, number> = { [s.self]: s.incarnation };
  for (const f of others) admitted[f] = s.peerIncarnations[f]!;
  s.store = emptyStore(founders);
  s.joinStatus = {};
  s.peerIncarnations = {};
  const num = ballotAbove(s.maxSeenNum, 0, founders.length);
  const view = { num, primary: s.self, inc: s.incarnation, members: [...founders].sort() };
  becomePrimary(ctx, view, admitted, { ...admitted });
}
