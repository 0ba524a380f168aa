/**
 * View changes with virtual synchrony: the coordinator proposes a view; each member that
 * accepts stops delivering and sending in its old view and reports what it holds of it;
 * once every member has reported, the coordinator computes, per old view, which messages
 * its members deliver before the new view (see flush-plan.ts) and installs the new view.
 */
import type { NodeId } from '@faultline/runtime';
import { planInstall } from './flush-plan.ts';
import { groupsAfterFlush, groupsOf, tableOf } from './groups.ts';
import type { FlushReport, GroupTable, Member, Msg, View } from './messages.ts';
import { deliver, submitQueued } from './ordering.ts';
import { appendDelivery, compareViewIds, pace, viewKey, type Ctx, type State } from './state.ts';

type M<T extends Msg['type']> = Extract<Msg, { type: T }>;

function report(s: State): FlushReport {
  const held = Object.values(s.buffer).sort((a, b) => a.gseq - b.gseq);
  return {
    member: { node: s.self, inc: s.incarnation },
    view: s.viewKey,
    delivered: s.delivered,
    held,
    unordered: [...s.pending],
    groups: groupsOf(s.groups, s.self),
  };
}

function block(ctx: Ctx, proposal: M<'Propose'>['proposal']): void {
  const s = ctx.state;
  s.blocked = true;
  s.accepted = proposal;
  s.blockedAtMs = ctx.now();
  if (proposal.epoch > s.maxEpoch) s.maxEpoch = proposal.epoch;
}

export function startProposal(ctx: Ctx, members: Member[]): void {
  const s = ctx.state;
  const id = { epoch: s.maxEpoch + 1, coord: s.self, inc: s.incarnation };
  block(ctx, id);
  s.proposal = { id, members, reports: { [s.self]: report(s) }, startedAtMs: ctx.now(), install: null, installAcked: {} };
  ctx.broadcast({ type: 'Propose', proposal: id, members }, members.map((m) => m.node));
  maybeInstall(ctx);
}

export function onPropose(ctx: Ctx, from: NodeId, msg: M<'Propose'>): void {
  const s = ctx.state;
  if (!msg.members.some((m) => m.node === s.self && m.inc === s.incarnation)) return;
  if (msg.proposal.epoch > s.maxEpoch) s.maxEpoch = msg.proposal.epoch;
  const c = compareViewIds(msg.proposal, s.accepted);
  if (c < 0) return ctx.send(from, { type: 'Nack', proposal: msg.proposal, accepted: s.accepted });
  if (c === 0) {
    if (s.blocked) ctx.send(from, { type: 'Flush', proposal: msg.proposal, report: report(s) }); // our report was lost
    return;
  }
  s.proposal = null; // a higher proposal wins over any of our own
  block(ctx, msg.proposal);
  ctx.send(from, { type: 'Flush', proposal: msg.proposal, report: report(s) });
}

export function onNack(ctx: Ctx, msg: M<'Nack'>): void {
  const s = ctx.state;
  if (msg.accepted.epoch > s.maxEpoch) s.maxEpoch = msg.accepted.epoch;
  if (s.proposal !== null && s.proposal.install === null && compareViewIds(s.proposal.id, msg.proposal) === 0) s.proposal = null;
}

export function onFlush(ctx: Ctx, from: NodeId, msg: M<'Flush'>): void {
  const p = ctx.state.proposal;
  if (p === null || p.install !== null || compareViewIds(p.id, msg.proposal) !== 0) return;
  if (!p.members.some((m) => m.node === from && m.inc === msg.report.member.inc)) return;
  p.reports[from] = msg.report;
  maybeInstall(ctx);
}

function maybeInstall(ctx: Ctx): void {
  const s = ctx.state;
  const p = s.proposal!;
  const reports: FlushReport[] = [];
  for (const m of p.members) {
    const r = p.reports[m.node];
    if (r === undefined) return;
    reports.push(r);
  }
  const plans = planInstall(reports);
  const memberGroups = new Map<NodeId, readonly string[]>();
  for (const r of reports) {
    // The bug: only the members from the coordinator's own old view keep their groups.
    if (s.bug === 'install-keeps-coordinator-groups' && r.view !== s.viewKey) continue;
    memberGroups.set(r.member.node, groupsAfterFlush(r, plans.find((plan) => plan.view === r.view)!));
  }
  const install: M<'Install'> = { type: 'Install', proposal: p.id, members: p.members, plans, groups: tableOf(memberGroups) };
  p.install = install;
  p.installAcked[s.self] = true;
  ctx.broadcast(install, p.members.map((m) => m.node));
  onInstall(ctx, s.self, install);
}

export function onInstall(ctx: Ctx, from: NodeId, msg: M<'Install'>): void {
  const s = ctx.state;
  if (compareViewIds(msg.proposal, s.accepted) !== 0) return;
  if (!s.blocked) {
    if (s.viewKey === viewKey(msg.proposal) && from !== s.self) ctx.send(from, { type: 'InstallAck', proposal: msg.proposal });
    return;
  }
  const plan = msg.plans.find((p) => p.view === s.viewKey);
  if (plan === undefined) return;
  if (s.bug !== 'no-flush') {
    appendDelivery(s, { k: 'trans', view: s.viewKey, members: plan.trans });
    for (const item of plan.ordered) if (item.gseq > s.delivered && item.gseq <= plan.upTo) deliver(ctx, item.msg, item.gseq, true);
    if (s.bug !== 'flush-drops-unordered') for (const m of plan.appended) deliver(ctx, m, null, true);
  }
  installView(ctx, { id: msg.proposal, members: msg.members }, msg.groups);
  if (from !== s.self) ctx.send(from, { type: 'InstallAck', proposal: msg.proposal });
}

/** Starts a fresh view with its group table: new order, new buffers; this node is its sequencer if it coordinated it. */
export function installView(ctx: Ctx, view: View, groups: GroupTable): void {
  const s = ctx.state;
  s.view = view;
  s.viewKey = viewKey(view.id);
  s.accepted = view.id;
  s.installedAtMs = ctx.now();
  s.blocked = false;
  s.unsettledSinceMs = null;
  s.buffer = {};
  s.contig = 0;
  s.ackedTo = 0;
  s.collected = 0;
  s.delivered = 0;
  s.stable = 0;
  s.groups = Object.fromEntries(Object.entries(groups).map(([g, members]) => [g, [...members]]));
  s.early = [];
  s.pending = []; // all delivered by the flush (or, with the no-flush bug, dropped)
  s.ownOrderedN = -1;
  s.sequencer =
    view.id.coord === s.self && view.id.inc === s.incarnation
      ? { last: 0, expected: {}, holdback: {}, acked: Object.fromEntries(view.members.map((m) => [m.node, 0])) }
      : null;
  appendDelivery(s, { k: 'view', view: s.viewKey, members: view.members, groups });
  submitQueued(ctx);
}

export function onInstallAck(ctx: Ctx, from: NodeId, msg: M<'InstallAck'>): void {
  const s = ctx.state;
  const p = s.proposal;
  if (p === null || compareViewIds(p.id, msg.proposal) !== 0) return;
  p.installAcked[from] = true;
  if (p.members.every((m) => p.installAcked[m.node])) s.proposal = null;
}

/** Retransmits the proposal or the install to members that have not answered; gives up after a while. */
export function proposalTick(ctx: Ctx): void {
  const s = ctx.state;
  const p = s.proposal;
  if (p === null) return;
  if (ctx.now() - p.startedAtMs > pace(s).proposalTimeoutMs) {
    s.proposal = null;
    return;
  }
  for (const m of p.members) {
    if (m.node === s.self) continue;
    if (p.install !== null) {
      if (!p.installAcked[m.node]) ctx.send(m.node, p.install);
    } else if (p.reports[m.node] === undefined) {
      ctx.send(m.node, { type: 'Propose', proposal: p.id, members: p.members });
    }
  }
}
