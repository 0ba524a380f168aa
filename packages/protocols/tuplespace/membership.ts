/**
 * Joining a running tuplespace. A new node knows only its contacts and asks them, every
 * round, to be admitted. A member answers with the partitions' groups (so the joiner can
 * route requests) and passes the Join on, at most `LIMITS.maxJoinHops` times, towards the
 * sequencer of the partition with the fewest replicas. That sequencer appends a config
 * entry naming the group with the joiner added, once its own view's noop (after a view
 * change) and every earlier config entry are committed (one change at a time: see viewchange.ts for why). When it
 * commits, the joiner is a member: the sequencer sends it the whole log, and its pulls
 * bring it every tuple written so far (the state transfer is the anti-entropy path).
 * Groups of other partitions are learnt by gossip, so a late Join can get a joiner
 * admitted by a second partition too: it follows the first and answers the second's
 * Accepts with `Elsewhere`, and that sequencer removes it (leave.ts).
 */
import type { NodeId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { Msg } from './messages.ts';
import { append, canReconfigure, isLeader } from './replication.ts';
import type { Ctx } from './state.ts';

type JoinMsg = Extract<Msg, { type: 'Join' }>;
type MapMsg = Extract<Msg, { type: 'Map' }>;

/** Each round, a node that is not a member yet asks one of its contacts (in turn) to be admitted. */
export function joinRound(ctx: Ctx): void {
  const s = ctx.state;
  if (s.partition >= 0 || s.contacts.length === 0) return;
  ctx.send(s.contacts[ctx.randomInt(s.contacts.length)]!, { type: 'Join', node: ctx.self, hops: 0, groups: [] });
}

export function onJoin(ctx: Ctx, from: NodeId, msg: JoinMsg): void {
  const s = ctx.state;
  if (s.partition < 0 || s.leaving === 'left') return;
  learnGroups(ctx, msg.groups);
  if (msg.hops === 0) ctx.send(from, { type: 'Map', groups: s.groups.map((g) => [...g]) });
  if (s.groups.some((g) => g.includes(msg.node))) return; // admitted already; the sequencer's messages tell it so
  const target = smallest(s.groups);
  const pass = (to: NodeId | null | undefined) => {
    if (to !== null && to !== undefined && to !== ctx.self && msg.hops < LIMITS.maxJoinHops) ctx.send(to, { ...msg, hops: msg.hops + 1, groups: s.groups.map((g) => [...g]) });
  };
  if (target !== s.partition) {
    const group = s.groups[target]!;
    return pass(group[ctx.randomInt(group.length)]);
  }
  if (!isLeader(ctx)) return pass(s.leader);
  if (!canReconfigure(s) || s.group.length >= LIMITS.maxGroup) return; // the joiner asks again
  append(ctx, { kind: 'config', view: s.view, group: [...s.group, msg.node] });
}

/** Takes, for every other partition, the longer of the two groups (its own comes from its committed log). */
function learnGroups(ctx: Ctx, groups: readonly (readonly NodeId[])[]): void {
  const s = ctx.state;
  groups.forEach((g, i) => {
    if (i !== s.partition && g.length > (s.groups[i]?.length ?? -1)) s.groups[i] = [...g];
  });
}

/** A joiner learns where the partitions are (its own partition's group it learns from the sequencer). */
export function onMap(ctx: Ctx, msg: MapMsg): void {
  learnGroups(ctx, msg.groups);
}

/** The partition with the fewest replicas (the lowest index among equals). */
function smallest(groups: readonly (readonly NodeId[])[]): number {
  let best = 0;
  groups.forEach((g, i) => {
    if (g.length < groups[best]!.length) best = i;
  });
  return best;
}
