/**
 * Membership: heartbeats tell each node which peers it can reach (and in which view they
 * are); when that disagrees with the installed view for a while, the smallest reachable
 * node proposes a new view of the nodes it reaches.
 */
import type { NodeId } from '@faultline/runtime';
import type { Member, Msg } from './messages.ts';
import { deliverReady, isSequencer } from './ordering.ts';
import { pace, sameMembers, type Ctx, type State } from './state.ts';
import { installView, startProposal } from './viewchange.ts';

type M<T extends Msg['type']> = Extract<Msg, { type: T }>;

export function startIncarnation(ctx: Ctx): void {
  const s = ctx.state;
  s.incarnation = 1 + ctx.randomInt(2 ** 30);
  const me = { node: s.self, inc: s.incarnation };
  installView(ctx, { id: { epoch: 0, coord: s.self, inc: s.incarnation }, members: [me] }, {});
  const { tickMs, heartbeatMs } = pace(s);
  ctx.setTimer('tick', tickMs);
  ctx.setTimer('hb', ctx.randomInt(heartbeatMs));
}

export function sendHeartbeat(ctx: Ctx): void {
  const s = ctx.state;
  s.hbSeq++;
  ctx.broadcast({
    type: 'Hb',
    inc: s.incarnation,
    seq: s.hbSeq,
    view: s.viewKey,
    blocked: s.blocked,
    maxEpoch: s.maxEpoch,
    stable: isSequencer(s) ? s.stable : -1,
  });
}

export function onHeartbeat(ctx: Ctx, from: NodeId, msg: M<'Hb'>): void {
  const s = ctx.state;
  const now = ctx.now();
  const p = s.peers[from];
  if (p !== undefined && p.inc === msg.inc && msg.seq <= p.seq) {
    p.atMs = Math.max(p.atMs, now); // an older heartbeat, overtaken: it still shows the peer is alive
  } else {
    s.peers[from] = { atMs: now, inc: msg.inc, seq: msg.seq, view: msg.view, blocked: msg.blocked };
  }
  if (msg.maxEpoch > s.maxEpoch) s.maxEpoch = msg.maxEpoch;
  if (msg.view === s.viewKey && from === s.view.id.coord && msg.stable > s.stable) {
    s.stable = msg.stable;
    deliverReady(ctx);
  }
}

/** The nodes this node hears from (itself included), with their incarnations, by node id. */
export function reachable(s: State, nowMs: number): Member[] {
  const out: Member[] = [{ node: s.self, inc: s.incarnation }];
  const { suspectMs } = pace(s);
  for (const node of Object.keys(s.peers)) {
    const p = s.peers[node]!;
    if (nowMs - p.atMs <= suspectMs) out.push({ node, inc: p.inc });
  }
  return out.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/** Whether the installed view is what this node sees: the members it reaches, all in this view and not changing it. */
function settled(s: State, desired: readonly Member[]): boolean {
  if (s.blocked || !sameMembers(s.view.members, desired)) return false;
  for (const m of s.view.members) {
    if (m.node === s.self) continue;
    const p = s.peers[m.node];
    if (p === undefined || p.view !== s.viewKey || p.blocked) return false;
  }
  return true;
}

export function membershipTick(ctx: Ctx): void {
  const s = ctx.state;
  const now = ctx.now();
  const desired = reachable(s, now);
  if (settled(s, desired)) {
    s.unsettledSinceMs = null;
    return;
  }
  s.unsettledSinceMs ??= now;
  const { settleMs, proposalTimeoutMs } = pace(s);
  if (now - s.unsettledSinceMs < settleMs) return;
  if (s.proposal !== null || desired[0]!.node !== s.self) return;
  if (s.blocked && now - s.blockedAtMs < proposalTimeoutMs) return; // give the accepted proposal its chance
  startProposal(ctx, desired);
}
