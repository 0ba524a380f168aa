/**
 * Leaving a running tuplespace. When its round comes (`leaveIn`), a replica starts
 * leaving: from then on it takes no request (clients are redirected to another member),
 * drops its waiting `in`s and `rd`s (their clients retry elsewhere), neither stands for nor
 * votes in a view change, and hands over (it keeps pulling, so it stays a converged member
 * until its removal commits). What it must hand over are the outs only it may
 * hold: those of its own origins (an out is acknowledged by one replica, before any push
 * has arrived) and those of origins whose node is no longer in the group. It asks to be
 * removed only once another member's pull has shown (by its operation vector) that this
 * member holds every one of them; since origins apply in order, from then on that member
 * passes them on by anti-entropy. Takes need no hand-over: they live in the partition's
 * log, which a majority of the group holds.
 *
 * The sequencer removes the leaver with a config entry (the group without it), one change
 * at a time, as for joins (viewchange.ts has why that is safe); a group of `GROUP_SIZE`
 * cannot shrink, and merges its interval into a neighbour's instead (rehash.ts). A leaving sequencer
 * appends its own removal and keeps replicating until it commits; then it answers the
 * takes committed with it and stops, and the remaining members elect a new sequencer.
 * A member that is not in the sequencer's committed group gets `Left` when it asks. A
 * node that has left still answers Accepts and votes while a sequencer that has not
 * committed its removal yet counts it as a member (it is a faithful member of that older
 * group); it never stands as candidate, pulls or serves again, and it redirects clients.
 */
import type { NodeId } from '@faultline/runtime';
import { GROUP_SIZE } from './config.ts';
import type { PartitionId } from './directory.ts';
import { proposeMerge } from './rehash.ts';
import { append, canReconfigure, isLeader } from './replication.ts';
import { markLeft, type Ctx, type State } from './state.ts';

/**
 * Each round: counts down to the leave (from the node's first start, a joiner's rounds
 * before its admission included: a joiner admitted late leaves once admitted, not its
 * whole count later), then asks the sequencer (or, at the sequencer, proposes) to be removed.
 */
export function leaveRound(ctx: Ctx): void {
  const s = ctx.state;
  if (s.leaving === 'stay' && s.leaveIn > 0) s.leaveIn--;
  if (s.leaving === 'left' || s.partition === '' || s.into !== null) return; // a merged partition's members leave by handing everything over (rehash.ts)
  if (s.leaving === 'stay') {
    if (s.leaveIn !== 0) return;
    s.leaving = 'leaving';
    s.blocked = [];
    s.reads = [];
  }
  const ready = handedOver(s, ctx.self);
  if (isLeader(ctx)) {
    if (ready) proposeRemoval(ctx, ctx.self);
  } else ctx.broadcast({ type: 'Leave', partition: s.partition, ready }, s.group.filter((m) => m !== ctx.self)); // the sequencer it knows may be stale: whoever sequences answers (Left, once it is removed)
}

/**
 * Whether this replica holds no tuple outside its interval still to hand over (rehash.ts),
 * and another member's last pull covered every out it holds whose origin is this node or
 * no other member: up to the last such out of each origin. The outs counted but not held
 * (outside the interval, or handed over since) are not this partition's to hand over: a
 * member that never heard of an origin all of whose outs lie outside its interval never
 * counts it (weak.ts), so waiting for it to would keep the leaver forever.
 */
export function handedOver(s: Pick<State, 'group' | 'outs' | 'covered' | 'tuples' | 'strays'>, self: NodeId): boolean {
  if (s.strays) return false;
  const others = s.group.filter((m) => m !== self);
  const need: [string, number][] = [];
  for (const origin of Object.keys(s.outs)) {
    if (others.includes(origin.slice(0, origin.lastIndexOf('.')))) continue;
    const ids = s.outs[origin]!;
    let last = ids.length - 1;
    while (last >= 0 && s.tuples[ids[last]!] === undefined) last--;
    if (last >= 0) need.push([origin, last + 1]);
  }
  return others.some((m) => {
    const v = s.covered[m];
    return v !== undefined && need.every(([origin, n]) => (v[origin] ?? 0) >= n);
  });
}

/** At the sequencer of `partition`: a member asks to leave. At a released member of a merged partition: a member still waiting to be released asks (rehash.ts). */
export function onLeave(ctx: Ctx, from: NodeId, partition: PartitionId, ready: boolean): void {
  const s = ctx.state;
  if (s.into !== null && s.released && partition === s.partition) return ctx.send(from, { type: 'Left' });
  if (!isLeader(ctx) || partition !== s.partition) return; // a sequencer of another partition (a leaver's stale group names nodes a split moved) must not tell it it has left
  if (!s.group.includes(from)) return ctx.send(from, { type: 'Left' });
  if (ready) proposeRemoval(ctx, from);
}

/**
 * At the leaver: a sequencer's committed group does not name it, so its removal has
 * committed (commits are final, and nobody is added twice).
 */
export function onLeft(ctx: Ctx): void {
  if (ctx.state.into !== null) ctx.state.released = true; // merged: every member has applied the merge (rehash.ts)
  else if (ctx.state.leaving === 'leaving') markLeft(ctx.state, ctx.self);
}

/**
 * At the sequencer: a member of its group replicates another partition. Two sequencers
 * each admitted the same joiner (a Join passed on late, by a node that did not know it
 * had been admitted elsewhere: groups are learnt by gossip, and since leaves a shorter
 * list is not always the older one). The joiner follows the first that reached it and
 * answers the other's Accepts with `Elsewhere`: it is removed at once, whatever the
 * group's size, since it holds nothing and would never vote or acknowledge (a member
 * that counts in every majority and never answers costs the group a replica's worth of
 * fault tolerance, or all its progress).
 */
export function onElsewhere(ctx: Ctx, from: NodeId): void {
  if (isLeader(ctx) && ctx.state.group.includes(from)) proposeRemoval(ctx, from, 0);
}

/**
 * Appends the group without `node`, if no other change is under way and the group keeps
 * more than `keep` replicas; a group that cannot shrink to let a leaver go merges its
 * interval into a neighbour's instead (rehash.ts). Else the leaver asks again.
 */
function proposeRemoval(ctx: Ctx, node: NodeId, keep = GROUP_SIZE): void {
  const s = ctx.state;
  if (!canReconfigure(s)) return;
  if (s.group.length > keep) append(ctx, { kind: 'config', view: s.view, group: s.group.filter((m) => m !== node) });
  else if (keep === GROUP_SIZE) proposeMerge(ctx);
}
