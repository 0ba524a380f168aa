/**
 * Push-pull anti-entropy and the push of fresh client operations. A round runs on the
 * gossip timer: the node exchanges digests and deltas with the next peer of its cycle,
 * and pushes every operation still waiting for a second copy to every peer.
 */
import type { NodeId } from '@faultline/runtime';
import type { Entries, Tag } from './messages.ts';
import { digest, entriesFor, isEmpty, merge, missingFrom, wanted } from './orset.ts';
import type { Removal } from './messages.ts';
import { fetchRound, keepRemoval, removalOf, settled } from './sequential.ts';
import { resultOf, type Ctx } from './state.ts';

/** The next peer to gossip with: cycles through every peer in a fresh random order per cycle. */
export function nextPeer(ctx: Ctx): NodeId | undefined {
  const s = ctx.state;
  if (s.cycle.length === 0) {
    const order = [...ctx.peers];
    for (let i = order.length - 1; i > 0; i--) {
      const j = ctx.randomInt(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    s.cycle = order;
  }
  return s.cycle.pop();
}

export function gossipRound(ctx: Ctx): void {
  const s = ctx.state;
  s.rounds++;
  const peer = nextPeer(ctx);
  if (peer !== undefined) ctx.send(peer, { type: 'Sync', ...digest(s) });
  for (const p of s.pending) pushEntries(ctx, p.adds, p.tombs, removalOf(s, p));
  if (s.home !== undefined) fetchRound(ctx);
}

/** Sends the named entries to every peer, asking for an Ack. */
export function pushEntries(ctx: Ctx, adds: readonly Tag[], tombs: readonly Tag[], extra: { removal?: Removal } = {}): void {
  const entries = entriesFor(ctx.state, adds, tombs);
  if (!isEmpty(entries)) ctx.broadcast({ type: 'Delta', entries, wantAdds: [], wantTombs: [], ack: true, ...extra });
}

/** Step 2: answer a digest with what the sender lacks and what this node lacks. */
export function onSync(ctx: Ctx, from: NodeId, adds: readonly Tag[], tombs: readonly Tag[]): void {
  const s = ctx.state;
  const entries = missingFrom(s, adds, tombs);
  const want = wanted(s, adds, tombs);
  if (isEmpty(entries) && want.adds.length === 0 && want.tombs.length === 0) return;
  ctx.send(from, { type: 'Delta', entries, wantAdds: want.adds, wantTombs: want.tombs, ack: false });
}

/** Steps 2 and 3 arriving: merge, answer wants, acknowledge a push. */
export function onDelta(ctx: Ctx, from: NodeId, entries: Entries, wantAdds: readonly Tag[], wantTombs: readonly Tag[], ack: boolean, removal?: Removal): void {
  const s = ctx.state;
  merge(s, entries);
  if (removal !== undefined) keepRemoval(ctx, removal);
  if (wantAdds.length > 0 || wantTombs.length > 0) {
    const reply = entriesFor(s, wantAdds, wantTombs);
    if (!isEmpty(reply)) ctx.send(from, { type: 'Delta', entries: reply, wantAdds: [], wantTombs: [], ack: false });
  }
  if (ack) ctx.send(from, { type: 'Ack', adds: entries.adds.map(([t]) => t), tombs: entries.tombs });
}

/** A peer holds these entries: every pending operation they cover now has two copies. */
export function onAck(ctx: Ctx, adds: readonly Tag[], tombs: readonly Tag[]): void {
  const s = ctx.state;
  if (s.pending.length === 0) return;
  const hasAdd = new Set(adds);
  const hasTomb = new Set(tombs);
  const done = s.pending.filter((p) => p.adds.every((t) => hasAdd.has(t)) && p.tombs.every((t) => hasTomb.has(t)));
  if (done.length === 0) return;
  s.pending = s.pending.filter((p) => !done.includes(p));
  for (const p of done) ctx.reply(p.requestId, resultOf(p));
  if (s.home !== undefined) settled(ctx);
}
