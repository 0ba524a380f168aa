/**
 * The weak side: `out`, `rd` and `rdp` run at one replica of the partition; outs are
 * pushed to the other replicas at once and repaired by pull anti-entropy on operation
 * vectors, which is also how a joiner receives every tuple written before it joined.
 */
import type { NodeId, RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { OutBatch } from './messages.ts';
import { serveBlocked } from './strong.ts';
import { firstMatch, originOf, type Ctx } from './state.ts';
import { copy, partitionOf, type Template, type Tuple } from './tuples.ts';

export function onOut(ctx: Ctx, id: RequestId, tuple: Tuple): void {
  const s = ctx.state;
  if (s.tuples[id] === undefined) {
    const origin = originOf(ctx.self, s.incarnation);
    const mine = (s.outs[origin] ??= []);
    const batch: OutBatch = { origin, from: mine.length, outs: [{ id, tuple }] };
    applyOuts(ctx, batch);
    ctx.broadcast({ type: 'Outs', batch }, s.group);
  }
  ctx.reply(id, { type: 'written', id });
}

/** `rd` (blocking) and `rdp`: answered from this replica's copy. */
export function onRead(ctx: Ctx, id: RequestId, template: Template, blocking: boolean): void {
  const s = ctx.state;
  const match = firstMatch(s, template);
  if (match !== undefined) return ctx.reply(id, { type: 'tuple', id: match, tuple: copy(s.tuples[match]!) });
  if (!blocking) return ctx.reply(id, { type: 'none' });
  if (s.reads.length < LIMITS.maxWaitingReads && !s.reads.some((w) => w.requestId === id)) s.reads.push({ requestId: id, template: [...template] });
}

/** Appends the part of a batch that continues this replica's copy of the origin's outs. */
export function applyOuts(ctx: Ctx, batch: OutBatch): void {
  const s = ctx.state;
  const first = batch.outs[0];
  if (first === undefined || partitionOf(first.tuple[0], s.groups.length) !== s.partition) return; // an origin writes one partition's outs: another's (from a node admitted twice, leave.ts) are not this replica's to hold
  const have = (s.outs[batch.origin] ??= []);
  let added = false;
  batch.outs.forEach((o, i) => {
    if (batch.from + i !== have.length) return; // already here, or after a gap that a pull will fill
    have.push(o.id);
    if (s.tuples[o.id] === undefined) {
      s.tuples[o.id] = [...o.tuple];
      added = true;
    }
  });
  if (!added) return;
  serveReads(ctx);
  serveBlocked(ctx); // only a sequencer has blocked ins
}

function serveReads(ctx: Ctx): void {
  const s = ctx.state;
  s.reads = s.reads.filter((w) => {
    const match = firstMatch(s, w.template);
    if (match === undefined) return true;
    ctx.reply(w.requestId, { type: 'tuple', id: match, tuple: copy(s.tuples[match]!) });
    return false;
  });
}

/** One anti-entropy round: ask a random peer of the group for what this replica lacks. */
export function pullRound(ctx: Ctx): void {
  const s = ctx.state;
  const peers = s.group.filter((id) => id !== ctx.self);
  if (peers.length === 0) return;
  const peer = peers[ctx.randomInt(peers.length)]!;
  const vector: Record<string, number> = {};
  for (const origin in s.outs) vector[origin] = s.outs[origin]!.length;
  ctx.send(peer, { type: 'Pull', vector });
}

/** Answers a pull with every origin's missing outs, bounded. */
export function onPull(ctx: Ctx, from: NodeId, vector: Readonly<Record<string, number>>): void {
  const s = ctx.state;
  if (s.leaving === 'leaving') s.covered[from] = { ...vector }; // what the puller holds: the leaver's hand-over (leave.ts)
  for (const origin of Object.keys(s.outs).sort()) {
    const ids = s.outs[origin]!;
    const start = vector[origin] ?? 0;
    if (ids.length <= start) continue;
    const outs = ids.slice(start, start + LIMITS.maxBatch).map((id) => ({ id, tuple: copy(s.tuples[id]!) }));
    ctx.send(from, { type: 'Outs', batch: { origin, from: start, outs } });
  }
}
