/**
 * The normal case: the primary orders client requests into ops, applies each, sends it to
 * every member and answers the client only once every member has acknowledged it.
 */
import type { ClientId, NodeId, RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { Msg, Op, Req } from './messages.ts';
import { timing, type Ctx } from './state.ts';
import { applyOp, isClientOp, latest } from './store.ts';
import { isActingPrimary, redirectWaiting, resetElectionDeadline, successionRank } from './views.ts';

type ReplicateMsg = Extract<Msg, { type: 'Replicate' }>;
type AckMsg = Extract<Msg, { type: 'Ack' }>;

export function onClientRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
  const s = ctx.state;
  if (s.bug === 'stale-primary-reads' && req.type === 'get' && s.status === 'member' && s.view?.primary === s.self) {
    ctx.reply(requestId, { type: 'get-ok', value: latest(s.store, req.key) }); // BUG: no check that we still lead
    return;
  }
  if (!isActingPrimary(s)) {
    sendElsewhere(ctx, requestId);
    return;
  }
  const p = s.primary!;
  if (p.commitSeq < 0) {
    // Until every member has installed the view, the primary creates no ops: a view that
    // never becomes active then leaves no ops behind to compete with those of a view that did.
    if (p.queued.length < LIMITS.maxWaiting && !p.queued.some((q) => q.requestId === requestId)) {
      p.queued.push({ requestId, client, req });
    }
    return;
  }
  const session = s.store.sessions[client];
  if (session !== undefined && session.requestId === requestId) {
    // A retry: answer from the session once its op has committed; never apply it twice.
    if (session.opSeq <= p.commitSeq) ctx.reply(requestId, session.result);
    else if (Object.keys(s.waiting).length < LIMITS.maxWaiting) s.waiting[requestId] = client;
    return;
  }
  if (session !== undefined && req.seq !== undefined && req.seq <= session.reqSeq) return; // a late copy of an old request
  if (p.log.length >= LIMITS.maxLogOps || Object.keys(s.waiting).length >= LIMITS.maxWaiting) return; // full: the client retries

  if (s.bug === 'reply-before-replicate' && req.type === 'put') ctx.reply(requestId, { type: 'put-ok' }); // BUG
  else s.waiting[requestId] = client;
  order(ctx, { seq: s.store.seq + 1, view: s.view!.num, client, requestId, req });
}

/** The primary applies `op`, the next in its order, and sends it to every member that is up to date. */
function order(ctx: Ctx, op: Op): void {
  const s = ctx.state;
  const p = s.primary!;
  const v = s.view!;
  applyOp(s.store, op);
  p.log.push(op);
  p.acked[s.self] = op.seq;
  for (const m of v.members) {
    if (m !== s.self && p.acked[m] === op.seq - 1) ctx.send(m, { type: 'Replicate', view: v.num, primaryInc: v.inc, ops: [op] });
  }
  advanceCommit(ctx);
}

/**
 * Makes one member that is not yet a voter a voter, with an op every member applies, once
 * the view is active and no earlier voter op is still uncommitted: configurations then
 * change one voter at a time, and a majority of each meets a majority of the next.
 */
function addVoter(ctx: Ctx): void {
  const s = ctx.state;
  const p = s.primary!;
  const v = s.view!;
  if (!isActingPrimary(s) || p.commitSeq < 0 || s.store.voters.length >= LIMITS.maxVoters || p.log.length >= LIMITS.maxLogOps) return;
  if (p.log.some((op) => !isClientOp(op) && op.seq > p.commitSeq)) return;
  const joiner = v.members.find((m) => !s.store.voters.includes(m));
  if (joiner !== undefined) order(ctx, { seq: s.store.seq + 1, view: v.num, addVoter: joiner });
}

/** A node that cannot serve a request points the client at the likely primary, if any. */
function sendElsewhere(ctx: Ctx, requestId: RequestId): void {
  const s = ctx.state;
  if (s.proposal !== null || (s.view !== null && s.promised.num > s.view.num)) return; // a view change is under way
  let to: NodeId | null = s.status === 'member' && s.view !== null ? s.view.primary : s.primaryHint;
  if (to === null || to === s.self) to = s.known.length > 0 ? s.known[ctx.randomInt(s.known.length)]! : null;
  if (to !== null && to !== s.self) ctx.redirect(requestId, to);
}

/** A member applies the primary's ops in order, ignoring duplicates and anything after a gap. */
export function onReplicate(ctx: Ctx, from: NodeId, msg: ReplicateMsg): void {
  const s = ctx.state;
  if (s.status !== 'member' || s.view === null) {
    // This primary counts us as a member, but we have restarted or been left out: ask back in.
    if (s.status === 'recovering' || msg.view >= s.promised.num) {
      s.primaryHint = from;
      ctx.send(from, { type: 'Join', node: s.self, inc: s.incarnation });
    }
    return;
  }
  if (msg.view < s.promised.num) {
    ctx.send(from, { type: 'Stale', promised: s.promised.num, view: s.view });
    return;
  }
  // A newer view we promised but have not installed: wait for its StartView (retransmitted).
  if (msg.view !== s.view.num || from !== s.view.primary || msg.primaryInc !== s.view.inc) return;
  const voters = s.store.voters.length;
  for (const op of msg.ops) {
    if (op.seq === s.store.seq + 1) applyOp(s.store, op);
    else if (op.seq > s.store.seq + 1) break;
  }
  if (s.store.voters.length !== voters) s.viewRank = successionRank(s);
  s.lastHeardPrimaryMs = ctx.now();
  resetElectionDeadline(ctx);
  ctx.send(from, { type: 'Ack', view: s.view.num, primaryInc: s.view.inc, seq: s.store.seq, nodeInc: s.incarnation });
}

export function onAck(ctx: Ctx, from: NodeId, msg: AckMsg): void {
  const s = ctx.state;
  const p = s.primary;
  const v = s.view;
  if (p === null || v === null || v.primary !== s.self || msg.view !== v.num || msg.primaryInc !== v.inc) return;
  const acked = p.acked[from];
  if (acked === undefined) return; // not a member
  p.lastAckMs[from] = ctx.now();
  p.memberInc[from] = msg.nodeInc;
  if (msg.seq > acked) {
    p.acked[from] = msg.seq;
    // Its previous batch is in: send at once what was ordered meanwhile, one batch in
    // flight per member (the heartbeat only retransmits what a lost message left behind).
    if (msg.seq < s.store.seq) sendUpdates(ctx, from);
    if (advanceCommit(ctx)) {
      // The view has just become active: take the requests that were waiting for it.
      const queued = p.queued;
      p.queued = [];
      for (const q of queued) onClientRequest(ctx, q.req, q.requestId, q.client);
    }
  }
}

/**
 * Recomputes what every member has, trims the log of ops no member can still need, and
 * answers the clients whose ops are now on every member. True if the view has just
 * become active (every member installed it).
 */
export function advanceCommit(ctx: Ctx): boolean {
  const s = ctx.state;
  const p = s.primary!;
  const v = s.view!;
  let all = Infinity;
  let needed = Infinity; // the oldest op some member may still need
  for (const m of v.members) {
    const a = p.acked[m] ?? -1;
    all = Math.min(all, a);
    // A member that has not installed the view will install some StartView, whose state is
    // at least the state the view started with.
    needed = Math.min(needed, a >= 0 ? a : p.startSeq);
  }
  // One splice, not a shift per op: on a draft every shift moves the whole log.
  let trimmed = 0;
  while (trimmed < p.log.length && p.log[trimmed]!.seq <= needed) trimmed++;
  if (trimmed > 0) p.log.splice(0, trimmed);
  if (all < 0 || all <= p.commitSeq) return false;
  const activated = p.commitSeq < 0;
  p.commitSeq = all;
  for (const [requestId, client] of Object.entries(s.waiting)) {
    const session = s.store.sessions[client];
    if (session === undefined || session.requestId !== requestId) {
      if (session !== undefined && session.opSeq <= all) delete s.waiting[requestId]; // superseded: the client moved on
      continue;
    }
    if (session.opSeq <= all) {
      ctx.reply(requestId, session.result);
      delete s.waiting[requestId];
    }
  }
  return activated;
}

/** What member `m` is missing: the whole view (StartView) or the ops after its last ack. */
export function sendUpdates(ctx: Ctx, m: NodeId): void {
  const s = ctx.state;
  const p = s.primary!;
  const v = s.view!;
  const acked = p.acked[m] ?? -1;
  if (acked < 0) {
    // BUG no-state-transfer: a node being admitted gets the view and the op count, not the data.
    const snapshot = s.bug === 'no-state-transfer' && m in p.admitted ? { ...s.store, data: {}, sessions: {} } : s.store;
    ctx.send(m, { type: 'StartView', ballot: { num: v.num, node: s.self, inc: v.inc }, view: v, snapshot, admitted: p.admitted });
    return;
  }
  const first = p.log.length > 0 ? p.log[0]!.seq : s.store.seq + 1;
  const from = Math.max(0, acked + 1 - first);
  const ops = p.log.slice(from, from + LIMITS.maxBatchOps);
  ctx.send(m, { type: 'Replicate', view: v.num, primaryInc: v.inc, ops });
}

/** The primary's heartbeat: updates (or an empty Replicate) to members, Beacons to everyone else. */
export function primaryTick(ctx: Ctx): 'member-silent' | 'admit' | null {
  const s = ctx.state;
  const p = s.primary!;
  const v = s.view!;
  for (const m of v.members) if (m !== s.self) sendUpdates(ctx, m);
  for (const n of s.known) if (!v.members.includes(n)) ctx.send(n, { type: 'Beacon', view: v });
  const now = ctx.now();
  for (const m of v.members) {
    if (m !== s.self && now - (p.lastAckMs[m] ?? now) > timing(s).suspectMs) return 'member-silent';
  }
  if (Object.keys(s.pendingJoins).length > 0) return 'admit';
  addVoter(ctx);
  return null;
}

/** We stop being primary: clients waiting on us go to whoever takes over. */
export function stepDown(ctx: Ctx, to: NodeId | null): void {
  const s = ctx.state;
  s.primary = null;
  if (to !== null && to !== s.self) redirectWaiting(ctx, to);
}
