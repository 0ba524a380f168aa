/**
 * Level `sequential-per-item`: every operation on an element is served by one replica,
 * the element's home (a hash of the element over the sorted cluster), so the operations
 * on one element fit one order, the order in which its home applied them, and that order
 * keeps each client's own order (a client waits for each answer before its next request).
 * Other replicas redirect the client to the home. Updates still spread by anti-entropy,
 * and the whole-collection reads (size, iterate) are still answered by any replica from
 * its own copy: they are not covered.
 *
 * What keeps that order honest across faults:
 * - A get is answered only while its element has no update pending at the home (applied
 *   there but not yet on a second replica): it never reports an update that a crash of
 *   the home could still undo. Such gets are held back (bounded) until the updates land.
 * - A remove that took effect is answered once; a retry of it (the reply was lost) gets
 *   the same answer from the client's session, not a second run that would find the
 *   element gone. (An add is its own tag, so its retry is recognised already.)
 * - A (re)started replica serves nothing until every peer has answered its Fetch with
 *   everything it holds: the updates its home acknowledged before a crash are on some
 *   peer, and they are back before it answers again.
 * The price is availability: while an element's home is down or cut off, its operations
 * wait (clients time out and retry), as they must for sequential consistency per item.
 */
import type { ClientId, NodeId, RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { Entries, Removal, Req, Tag } from './messages.ts';
import { merge } from './orset.ts';
import { liveTags, type Ctx, type HomeState, type Pending, type State } from './state.ts';

/** The replica that serves `elem`'s operations. */
export function homeOf(cluster: readonly NodeId[], elem: string): NodeId {
  const nodes = [...cluster].sort();
  let h = 0;
  for (let i = 0; i < elem.length; i++) h = (h * 31 + elem.charCodeAt(i)) >>> 0;
  return nodes[h % nodes.length]!;
}

export function emptyHome(): HomeState {
  return { fetched: {}, held: [], sessions: {}, removals: {} };
}

/** Asks every peer that has not answered yet for its entries (at start and every gossip round until all have). */
export function fetchRound(ctx: Ctx): void {
  const h = ctx.state.home!;
  for (const p of ctx.peers) if (h.fetched[p] !== true) ctx.send(p, { type: 'Fetch', inc: ctx.state.incarnation });
}

export function onFetch(ctx: Ctx, from: NodeId, inc: number): void {
  const s = ctx.state;
  const entries: Entries = { adds: Object.keys(s.adds).sort().map((t) => [t, s.adds[t]!] as const), tombs: Object.keys(s.tombs).sort() };
  ctx.send(from, { type: 'Snapshot', inc, entries, removals: s.home?.removals ?? {} });
}

export function onSnapshot(ctx: Ctx, from: NodeId, inc: number, entries: Entries, removals: Readonly<Record<string, readonly Tag[]>>): void {
  const s = ctx.state;
  if (s.home === undefined || inc !== s.incarnation) return; // an answer to an earlier incarnation
  merge(s, entries);
  for (const id of Object.keys(removals).sort()) keepRemoval(ctx, { id, tags: removals[id]! });
  s.home.fetched[from] = true;
}

/** Remembers a remove that took effect (pushed with its tombstones, or in a Snapshot). */
export function keepRemoval(ctx: Ctx, r: Removal): void {
  const h = ctx.state.home;
  if (h !== undefined && h.removals[r.id] === undefined) h.removals[r.id] = [...r.tags];
}

/** What a pending remove carries to its peers at this level. */
export function removalOf(s: State | Ctx['state'], p: Pending): { removal?: Removal } {
  return s.home !== undefined && p.kind === 'remove' ? { removal: { id: p.requestId, tags: [...p.tombs] } } : {};
}

function caughtUp(ctx: Ctx): boolean {
  const h = ctx.state.home!;
  return ctx.peers.every((p) => h.fetched[p] === true);
}

/**
 * Serves `req` as level `sequential-per-item` requires, or returns false to let it be
 * served as at level eventual (a whole-collection read, a get with nothing pending, or an
 * update at its home).
 */
export function routed(ctx: Ctx, req: Req, id: RequestId, client: ClientId): boolean {
  if (req.type === 'size' || req.type === 'iterate') return false;
  if (req.type === 'addAll' || req.type === 'clear') {
    ctx.reply(id, { type: 'error', error: `${req.type} spans elements with different homes: level eventual only` });
    return true;
  }
  const s = ctx.state;
  const h = s.home!;
  const home = homeOf(ctx.cluster, req.elem);
  if (home !== ctx.self) {
    ctx.redirect(id, home);
    return true;
  }
  if (!caughtUp(ctx)) return true; // the client retries once this replica has its entries back
  const done = h.removals[id];
  if (done !== undefined && !s.pending.some((p) => p.requestId === id)) {
    ctx.reply(id, { type: 'removed', tags: [...done] });
    return true;
  }
  const last = h.sessions[client];
  if (last === undefined || last.requestId !== id) {
    if (req.seq !== undefined && last !== undefined && last.seq !== null && req.seq < last.seq) return true; // a late copy of an old request
    h.sessions[client] = { requestId: id, seq: req.seq ?? null };
  }
  if (req.type === 'add' || !pendingOn(s, req.elem)) return false;
  // A remove's "was present" reads the element like a get: while an earlier update of it
  // is pending, a crash of this home could still undo that update, so the remove is not
  // taken yet (the client retries).
  if (req.type === 'remove') return true;
  if (!h.held.some((r) => r.requestId === id) && h.held.length < LIMITS.maxHeldReads) h.held.push({ requestId: id, elem: req.elem });
  return true;
}

/** Whether some update of `elem` waits for its second copy. */
function pendingOn(s: State | Ctx['state'], elem: string): boolean {
  return s.pending.some((p) => p.adds.some((t) => s.adds[t] === elem) || p.tombs.some((t) => s.adds[t] === elem));
}

/** Updates just got their second copy: answer the gets they held back. */
export function settled(ctx: Ctx): void {
  const s = ctx.state;
  const h = s.home!;
  const still: HomeState['held'] = [];
  for (const r of h.held) {
    if (pendingOn(s, r.elem)) still.push(r);
    else ctx.reply(r.requestId, { type: 'got', present: liveTags(s, r.elem).length > 0 });
  }
  if (still.length !== h.held.length) h.held = still;
}
