/**
 * Named groups on top of the view: the view's group table says which nodes are members of
 * which group. Joins and leaves are messages of the view's order, so every member applies
 * them at the same point; a node delivers a multicast to its application when, at that
 * point, it is a member of one of the message's groups. A view change carries every moving
 * member's own memberships into the new view's table (see `groupsAfterFlush`).
 */
import type { NodeId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { AppMsg, FlushReport, GroupTable, OldViewPlan, Req } from './messages.ts';

/** Why a request is malformed, or null when it is fine. */
export function invalidRequest(req: Req): string | null {
  const names = req.type === 'mcast' ? req.groups : [req.group];
  if (!Array.isArray(names) || names.length === 0) return 'a multicast needs at least one group';
  if (names.length > LIMITS.maxGroupsPerMsg) return `a multicast goes to at most ${LIMITS.maxGroupsPerMsg} groups (got ${names.length})`;
  for (const g of names)
    if (typeof g !== 'string' || g.length === 0 || g.length > LIMITS.maxGroupName) return `a group name is 1 to ${LIMITS.maxGroupName} characters (got ${JSON.stringify(g)})`;
  if (new Set(names).size !== names.length) return `a multicast names each group once (got ${names.join(', ')})`;
  return null;
}

export function isMember(groups: GroupTable, group: string, node: NodeId): boolean {
  return groups[group]?.includes(node) ?? false;
}

/** Whether `node` delivers `msg` to its application, given the table just before it. */
export function deliversTo(groups: GroupTable, msg: Pick<AppMsg, 'op' | 'groups' | 'sender'>, node: NodeId): boolean {
  if (msg.op === 'mcast') return msg.groups.some((g) => isMember(groups, g, node));
  // A membership change goes to the group's members before and after it: the joiner or leaver, and the others.
  return msg.sender === node || isMember(groups, msg.groups[0]!, node);
}

/** Applies a join or leave (a multicast changes nothing) to the table, in place. */
export function applyOp(groups: Record<string, NodeId[]>, msg: Pick<AppMsg, 'op' | 'groups' | 'sender'>): void {
  if (msg.op === 'mcast') return;
  const g = msg.groups[0]!;
  const members = groups[g] ?? [];
  const has = members.includes(msg.sender);
  if (msg.op === 'join' && !has) groups[g] = [...members, msg.sender].sort();
  else if (msg.op === 'leave' && has) {
    const rest = members.filter((m) => m !== msg.sender);
    if (rest.length === 0) delete groups[g];
    else groups[g] = rest;
  }
}

/** The groups `node` is a member of, sorted. */
export function groupsOf(groups: GroupTable, node: NodeId): string[] {
  return Object.keys(groups)
    .filter((g) => groups[g]!.includes(node))
    .sort();
}

/**
 * The groups a moving member is in once it has delivered its old view's plan: what it
 * reported, then its own joins and leaves among the plan's messages it had not yet
 * delivered (ordered ones above its `delivered` position, then the appended ones).
 */
export function groupsAfterFlush(report: FlushReport, plan: OldViewPlan): string[] {
  const mine: Record<string, NodeId[]> = {};
  const self = report.member.node;
  for (const g of report.groups) mine[g] = [self];
  const own = (m: AppMsg) => m.sender === self && m.inc === report.member.inc;
  for (const item of plan.ordered) if (item.gseq > report.delivered && item.gseq <= plan.upTo && own(item.msg)) applyOp(mine, item.msg);
  for (const m of plan.appended) if (own(m)) applyOp(mine, m);
  return Object.keys(mine).sort();
}

/** The new view's table from each member's groups after the flush. */
export function tableOf(memberGroups: ReadonlyMap<NodeId, readonly string[]>): GroupTable {
  const out: Record<string, NodeId[]> = {};
  for (const node of [...memberGroups.keys()].sort()) for (const g of memberGroups.get(node)!) (out[g] ??= []).push(node);
  const sorted: Record<string, NodeId[]> = {};
  for (const g of Object.keys(out).sort()) sorted[g] = out[g]!;
  return sorted;
}
