/**
 * Normal operation inside an installed view: members submit their messages to the
 * view's sequencer (its coordinator), which orders each sender's messages in the order
 * they were sent and gives them consecutive positions (gseq); members deliver in gseq
 * order, a safe message only once the sequencer has told them every member holds it.
 */
import type { ClientId, NodeId, RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import { applyOp, deliversTo, invalidRequest } from './groups.ts';
import type { AppMsg, Msg, Ordered, Req } from './messages.ts';
import { appendDelivery, type Ctx, type State } from './state.ts';

type M<T extends Msg['type']> = Extract<Msg, { type: T }>;

export function isSequencer(s: State): boolean {
  return s.view.id.coord === s.self && s.view.id.inc === s.incarnation;
}

export function onClientRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
  const s = ctx.state;
  if (s.recentRequests.includes(requestId)) return; // a duplicated request: the first copy is being handled
  s.recentRequests[s.recentNext] = requestId;
  s.recentNext = (s.recentNext + 1) % LIMITS.maxRecentRequests;
  const invalid = invalidRequest(req);
  if (invalid !== null) return ctx.reply(requestId, { type: 'invalid', reason: invalid });
  // The bug: the node leaves at once, not where its leave falls in the view's order.
  if (s.bug === 'leave-applied-locally' && req.type === 'leave') applyOp(s.groups, { op: 'leave', groups: [req.group], sender: s.self });
  if (s.queued.length >= LIMITS.maxQueued) return ctx.reply(requestId, { type: 'busy' });
  s.queued.push({ requestId, client, req });
  submitQueued(ctx);
}

/** Turns queued requests into messages of the installed view while the node is not blocked and has room. */
export function submitQueued(ctx: Ctx): void {
  const s = ctx.state;
  while (!s.blocked && s.queued.length > 0 && s.pending.length < LIMITS.maxPending) {
    const { req, requestId } = s.queued.shift()!;
    const msg: AppMsg = {
      id: `${s.self}.${s.incarnation}.${s.nextN}`,
      op: req.type,
      groups: req.type === 'mcast' ? [...req.groups] : [req.group],
      sender: s.self,
      inc: s.incarnation,
      n: s.nextN++,
      seen: s.delivered,
      // Joins and leaves are agreed: every member applies them at the same point of the order.
      service: req.type === 'mcast' ? req.service : 'agreed',
      payload: req.type === 'mcast' ? req.payload : '',
      requestId,
    };
    s.pending.push(msg);
    submit(ctx, msg);
  }
}

function submit(ctx: Ctx, msg: AppMsg): void {
  const s = ctx.state;
  const firstPending = s.pending[0]?.n ?? msg.n;
  const m: M<'Submit'> = { type: 'Submit', view: s.viewKey, msg, firstPending };
  if (isSequencer(s)) onSubmit(ctx, s.self, m);
  else ctx.send(s.view.id.coord, m);
}

export function onSubmit(ctx: Ctx, from: NodeId, msg: M<'Submit'>): void {
  const s = ctx.state;
  const q = s.sequencer;
  if (q === null || s.blocked || msg.view !== s.viewKey || msg.msg.sender !== from) return;
  const sender = msg.msg.sender;
  if (q.expected[sender] === undefined) q.expected[sender] = msg.firstPending;
  const expected = q.expected[sender]!;
  if (msg.msg.n < expected) return; // already ordered
  const held = (q.holdback[sender] ??= []);
  if (!held.some((m) => m.n === msg.msg.n)) {
    if (held.length >= LIMITS.maxHoldback) return; // the sender retransmits
    held.push(msg.msg);
  }
  orderReady(ctx, sender);
}

/** Orders the sender's held submissions that are next in its sequence, while stability allows. */
function orderReady(ctx: Ctx, sender: NodeId): void {
  const s = ctx.state;
  const q = s.sequencer!;
  const held = q.holdback[sender] ?? [];
  for (;;) {
    if (q.last - s.stable >= LIMITS.maxInFlight) return;
    // The bug orders whatever submission arrived last, not the sender's next one.
    const i = s.bug === 'sequencer-orders-on-arrival' ? held.length - 1 : held.findIndex((m) => m.n === q.expected[sender]);
    if (i < 0) return;
    const [msg] = held.splice(i, 1);
    q.expected[sender] = Math.max(q.expected[sender]!, msg!.n) + 1;
    const item: Ordered = { gseq: ++q.last, msg: msg! };
    // The bug: the sequencer claims the message is stable as soon as it has ordered it.
    const stable = s.bug === 'sequencer-skips-safe-check' ? item.gseq : s.stable;
    const out: M<'Ordered'> = { type: 'Ordered', view: s.viewKey, item, stable };
    ctx.broadcast(out, s.view.members.map((m) => m.node));
    onOrdered(ctx, s.self, out);
  }
}

export function onOrdered(ctx: Ctx, _from: NodeId, msg: M<'Ordered'>): void {
  const s = ctx.state;
  if (s.blocked || msg.view !== s.viewKey) return;
  const { gseq } = msg.item;
  if (gseq > s.contig && gseq <= s.delivered + LIMITS.maxInFlight + LIMITS.maxBatch && s.buffer[gseq] === undefined) {
    s.buffer[gseq] = msg.item;
    if (msg.item.msg.sender === s.self && msg.item.msg.inc === s.incarnation) s.ownOrderedN = Math.max(s.ownOrderedN, msg.item.msg.n);
    const before = s.contig;
    let safe = false;
    while (s.buffer[s.contig + 1] !== undefined) if (s.buffer[++s.contig]!.msg.service === 'safe') safe = true;
    // Acknowledged at once when a safe message waits for it (or by the sequencer, locally), else every few positions and every tick.
    if (s.contig > before && (safe || isSequencer(s) || s.contig - s.ackedTo >= LIMITS.ackEvery)) ack(ctx);
  }
  if (msg.stable > s.stable) s.stable = msg.stable;
  // The bug: a causal message is delivered on arrival, even with earlier positions missing.
  if (s.bug === 'causal-on-receipt' && msg.item.msg.service === 'causal' && gseq > s.delivered + 1 && !s.early.includes(msg.item.msg.id)) {
    s.early.push(msg.item.msg.id);
    deliver(ctx, msg.item.msg, gseq, false);
  }
  deliverReady(ctx);
}

function ack(ctx: Ctx): void {
  const s = ctx.state;
  s.ackedTo = s.contig;
  const m: M<'Ack'> = { type: 'Ack', view: s.viewKey, contig: s.contig };
  if (isSequencer(s)) onAck(ctx, s.self, m);
  else ctx.send(s.view.id.coord, m);
}

export function onAck(ctx: Ctx, from: NodeId, msg: M<'Ack'>): void {
  const s = ctx.state;
  const q = s.sequencer;
  if (q === null || msg.view !== s.viewKey || q.acked[from] === undefined) return;
  if (msg.contig <= q.acked[from]!) return;
  q.acked[from] = msg.contig;
  let stable = Infinity;
  for (const m of s.view.members) stable = Math.min(stable, q.acked[m.node]!);
  if (stable > s.stable) {
    // Announced at once when it releases a safe message; otherwise members learn it from the next Ordered or heartbeat.
    let releasesSafe = false;
    for (let g = s.stable + 1; g <= stable && !releasesSafe; g++) releasesSafe = s.buffer[g]?.msg.service === 'safe';
    s.stable = stable;
    if (releasesSafe) ctx.broadcast({ type: 'Stable', view: s.viewKey, stable }, s.view.members.map((m) => m.node));
    deliverReady(ctx);
    // Room may have opened for held submissions.
    for (const sender of Object.keys(q.holdback).sort()) orderReady(ctx, sender);
  }
}

export function onStable(ctx: Ctx, msg: M<'Stable'>): void {
  const s = ctx.state;
  if (msg.view !== s.viewKey || msg.stable <= s.stable) return;
  s.stable = msg.stable;
  deliverReady(ctx);
}

/** Delivers held messages in gseq order; a safe one waits until it is stable. */
export function deliverReady(ctx: Ctx): void {
  const s = ctx.state;
  if (s.blocked) return;
  for (;;) {
    const next = s.buffer[s.delivered + 1];
    if (next === undefined) break;
    if (next.msg.service === 'safe' && next.gseq > s.stable) break;
    s.delivered++;
    const early = s.early.indexOf(next.msg.id);
    if (early >= 0) s.early.splice(early, 1);
    else deliver(ctx, next.msg, next.gseq, false);
  }
  const gcTo = Math.min(s.stable, s.delivered);
  for (; s.collected < gcTo; s.collected++) delete s.buffer[s.collected + 1];
  submitQueued(ctx);
}

/**
 * Appends one message to the delivery stream (to the application when this node is in
 * one of its groups), applies it if it is a join or leave, and answers the client if it
 * is this node's own.
 */
export function deliver(ctx: Ctx, msg: AppMsg, gseq: number | null, trans: boolean): void {
  const s = ctx.state;
  const { id, op, groups, sender, inc, n, seen, service } = msg;
  const to = deliversTo(s.groups, msg, s.self);
  appendDelivery(s, { k: 'msg', view: s.viewKey, id, op, groups, sender, inc, n, seen, service, gseq, trans, to });
  applyOp(s.groups, msg);
  if (msg.sender === s.self && msg.inc === s.incarnation) {
    s.ownDelivered++;
    const i = s.pending.findIndex((m) => m.id === msg.id);
    if (i >= 0) s.pending.splice(i, 1);
    ctx.reply(msg.requestId, { type: 'delivered', id: msg.id, view: s.viewKey });
  }
}

/** Periodic work of normal operation: resubmit, ack, and (sequencer) retransmit to members that lag. */
export function orderingTick(ctx: Ctx): void {
  const s = ctx.state;
  if (s.blocked) return;
  for (const m of s.pending) if (m.n > s.ownOrderedN) submit(ctx, m);
  if (!isSequencer(s)) return ack(ctx);
  const q = s.sequencer!;
  for (const m of s.view.members) {
    if (m.node === s.self) continue;
    const from = q.acked[m.node]!;
    for (let g = from + 1; g <= Math.min(q.last, from + LIMITS.maxBatch); g++) {
      const item = s.buffer[g];
      if (item !== undefined) ctx.send(m.node, { type: 'Ordered', view: s.viewKey, item, stable: s.stable });
    }
  }
}
