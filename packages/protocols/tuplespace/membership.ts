/**
 * Joining a running tuplespace. A new node knows only its contacts and asks them, every
 * round, to be admitted. A member answers with the partitions' groups (so the joiner can
 * route requests) and passes the Join on, at most `LIMITS.maxJoinHops` times, towards the
 * sequencer of the partition with the fewest replicas. That sequencer appends a config
 * entry naming the group with the joiner added, once its own view's noop (after a view
 * change) and every earlier config entry are committed (one change at a time: see viewchange.ts for why). When it
 * commits, the joiner is a member: the sequencer sends it the whole log, and its pulls
 * bring it every tuple written so far (the state transfer is the anti-entropy path).
 * Groups of other partitions are learnt by gossip (directory.ts: each description
 * carries a version, the newer wins), so a late Join can get a joiner
 * admitted by a second partition too: it follows the first and answers the second's
 * Accepts with `Elsewhere`, and that sequencer removes it (leave.ts).
 */
import type { NodeId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import { copyDirectory, learnDirectory, smallestPart, type Directory } from './directory.ts';
import type { Msg } from './messages.ts';
import { append, canReconfigure, isLeader } from './replication.ts';
import type { Ctx } from './state.ts';

type JoinMsg = Extract<Msg, { type: 'Join' }>;

/** Each round, a node that is not a member yet asks one of its contacts (in turn) to be admitted. */
export function joinRound(ctx: Ctx): void {
  const s = ctx.state;
  if (s.partition !== '' || s.contacts.length === 0) return;
  ctx.send(s.contacts[ctx.randomInt(s.contacts.length)]!, { type: 'Join', node: ctx.self, hops: 0, dir: copyDirectory(s.dir) });
}

export function onJoin(ctx: Ctx, from: NodeId, msg: JoinMsg): void {
  const s = ctx.state;
  if (s.partition === '') return;
  if (s.leaving === 'left') {
    // Gone, but perhaps a joiner's only contact: passed on to the smallest live partition it knows of
    // (its old group, if that is it; not a merged partition's, which has retired whole and would pass it round among the gone).
    learnDirectory(s.dir, msg.dir, s.partition);
    const target = smallestPart(s.dir);
    const group = target === undefined ? [] : s.dir[target]!.group.filter((m) => m !== ctx.self);
    if (group.length > 0 && msg.hops < LIMITS.maxJoinHops) ctx.send(group[ctx.randomInt(group.length)]!, { ...msg, hops: msg.hops + 1 });
    return;
  }
  learnDirectory(s.dir, msg.dir, s.partition);
  if (msg.hops === 0) ctx.send(from, { type: 'Map', dir: copyDirectory(s.dir) });
  if (Object.values(s.dir).some((p) => p.group.includes(msg.node))) return; // admitted already; the sequencer's messages tell it so
  const target = smallestPart(s.dir);
  const pass = (to: NodeId | null | undefined) => {
    if (to !== null && to !== undefined && to !== ctx.self && msg.hops < LIMITS.maxJoinHops) ctx.send(to, { ...msg, hops: msg.hops + 1, dir: copyDirectory(s.dir) });
  };
  if (target === undefined) return;
  if (target !== s.partition) {
    const group = s.dir[target]!.group;
    return pass(group[ctx.randomInt(group.length)]);
  }
  if (!isLeader(ctx)) return pass(s.leader);
  if (!canReconfigure(s) || s.group.length >= LIMITS.maxGroup) return; // the joiner asks again
  append(ctx, { kind: 'config', view: s.view, group: [...s.group, msg.node] });
}

/** The directory as another node knows it (a joiner learns its own partition's group from the sequencer). */
export function onMap(ctx: Ctx, dir: Readonly<Directory>): void {
  learnDirectory(ctx.state.dir, dir, ctx.state.partition);
}

/** Each round, a replica tells one node of another partition the directory as it knows it (so that routes follow splits and merges). */
export function gossipRound(ctx: Ctx): void {
  const s = ctx.state;
  const others = Object.keys(s.dir)
    .sort()
    .filter((id) => id !== s.partition)
    .flatMap((id) => s.dir[id]!.group)
    .filter((m) => m !== ctx.self && !s.group.includes(m));
  if (others.length > 0) ctx.send(others[ctx.randomInt(others.length)]!, { type: 'Map', dir: copyDirectory(s.dir) });
}
