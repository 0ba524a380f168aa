/**
 * The weak side: `out`, `rd` and `rdp` run at one replica of the partition; outs are
 * pushed to the other replicas at once and repaired by pull anti-entropy on operation
 * vectors, which is also how a joiner receives every tuple written before it joined.
 */
import type { NodeId, RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { OutBatch } from './messages.ts';
import { serveBlocked } from './strong.ts';
import { firstMatch, originOf, owns, type Ctx, type State } from './state.ts';
import { copy, keyOf, type Template, type Tuple } from './tuples.ts';

export function onOut(ctx: Ctx, id: RequestId, tuple: Tuple): void {
  writeOut(ctx, id, tuple);
  ctx.reply(id, { type: 'written', id });
}

/** Writes a tuple (an out, or one handed over after a change of intervals) under this replica's origin, and pushes it; a tuple it holds already is left as it is. */
export function writeOut(ctx: Ctx, id: string, tuple: Tuple): void {
  const s = ctx.state;
  if (s.tuples[id] !== undefined) return;
  const origin = originOf(ctx.self, s.incarnation);
  const mine = (s.outs[origin] ??= []);
  const batch: OutBatch = { origin, from: mine.length, outs: [{ id, tuple: copy(tuple) }] };
  applyOuts(ctx, batch);
  ctx.broadcast({ type: 'Outs', batch }, s.group);
}

/** `rd` (blocking) and `rdp`: answered from this replica's copy. */
export function onRead(ctx: Ctx, id: RequestId, template: Template, blocking: boolean): void {
  const s = ctx.state;
  const match = firstMatch(s, template);
  if (match !== undefined) return ctx.reply(id, { type: 'tuple', id: match, tuple: copy(s.tuples[match]!) });
  if (!blocking) return ctx.reply(id, { type: 'none' });
  if (s.reads.length < LIMITS.maxWaitingReads && !s.reads.some((w) => w.requestId === id)) s.reads.push({ requestId: id, template: [...template] });
}

/**
 * Applies the part of a batch that continues this replica's copy of the origin's outs,
 * and fills its holes. A tuple outside the interval is counted (the origin's order stays
 * a prefix) but not held, its key kept in `unheld`: an origin of before a split wrote
 * both halves' outs. Such an out whose key the interval holds again after a merge is a
 * hole, asked for again by pulls (`vectorOf`). A batch of nothing but outs outside the
 * interval (another partition's, from a node admitted twice, leave.ts) is ignored.
 */
export function applyOuts(ctx: Ctx, batch: OutBatch): void {
  const s = ctx.state;
  const keyOfOut = (o: OutBatch['outs'][number]) => (o.tuple === null ? o.key : keyOf(o.tuple[0]));
  if (s.partition === '' || batch.outs.every((o) => !owns(s, keyOfOut(o)))) return;
  const have = (s.outs[batch.origin] ??= []);
  let added = false;
  batch.outs.forEach((o, i) => {
    const at = batch.from + i;
    if (at > have.length || (at < have.length && have[at] !== o.id)) return; // after a gap that a pull will fill
    if (at === have.length) have.push(o.id);
    if (s.tuples[o.id] !== undefined) return;
    const key = keyOfOut(o);
    if (o.tuple !== null && owns(s, key)) {
      s.tuples[o.id] = [...o.tuple];
      delete s.unheld[o.id];
      added = true;
    } else {
      s.unheld[o.id] = key;
      if (owns(s, key)) s.holes = true;
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
  ctx.send(peer, { type: 'Pull', vector: vectorOf(s) });
}

/** Per origin, the outs held: up to the first hole (an out whose key the interval holds, but not the tuple), if `holes` says there may be one. */
function vectorOf(s: State): Record<string, number> {
  const vector: Record<string, number> = {};
  let holes = false;
  for (const origin in s.outs) {
    const ids = s.outs[origin]!;
    const hole = s.holes ? ids.findIndex((id) => s.tuples[id] === undefined && owns(s, s.unheld[id] ?? -1)) : -1;
    vector[origin] = hole < 0 ? ids.length : hole;
    holes ||= hole >= 0;
  }
  s.holes = holes;
  return vector;
}

/** Answers a pull with every origin's missing outs, bounded. */
export function onPull(ctx: Ctx, from: NodeId, vector: Readonly<Record<string, number>>): void {
  const s = ctx.state;
  if (s.leaving === 'leaving') s.covered[from] = { ...vector }; // what the puller holds: the leaver's hand-over (leave.ts)
  for (const origin of Object.keys(s.outs).sort()) {
    const ids = s.outs[origin]!;
    const start = vector[origin] ?? 0;
    if (ids.length <= start) continue;
    const outs = ids.slice(start, start + LIMITS.maxBatch).map((id) => {
      const t = s.tuples[id];
      return t !== undefined ? { id, tuple: copy(t) } : { id, tuple: null, key: s.unheld[id] ?? -1 };
    });
    ctx.send(from, { type: 'Outs', batch: { origin, from: start, outs } });
  }
}
