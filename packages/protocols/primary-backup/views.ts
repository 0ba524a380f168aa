import type { NodeId } from '@faultline/runtime';
import { LIMITS, TIMING } from './config.ts';
import type { Ballot } from './messages.ts';
import { timing, type Ctx, type State } from './state.ts';

type StateLike = State | Ctx['state'];

export function sameBallot(a: Ballot, b: Ballot): boolean {
  return a.num === b.num && a.node === b.node && a.inc === b.inc;
}

/** The smallest majority of `n` voters. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** The primary of the installed view, with no view change under way: it may take requests. */
export function isActingPrimary(s: StateLike): boolean {
  return (
    s.status === 'member' &&
    s.view !== null &&
    s.view.primary === s.self &&
    s.primary !== null &&
    s.proposal === null &&
    s.promised.num === s.view.num
  );
}

/** Remembers `node` (bounded: past the limit new nodes are ignored). */
export function addKnown(ctx: Ctx, node: NodeId): void {
  const s = ctx.state;
  if (node === s.self || s.known.includes(node) || s.known.length >= LIMITS.maxKnownNodes) return;
  s.known.push(node);
}

/**
 * Sets when this member gives up on the primary. The member right after the primary (in
 * member order) goes first; each later one waits a stagger longer, plus random jitter.
 */
export function resetElectionDeadline(ctx: Ctx): void {
  const s = ctx.state;
  s.electionDeadlineMs = ctx.now() + timing(s).suspectMs + s.viewRank * TIMING.staggerMs + ctx.randomInt(TIMING.jitterMs);
}

/** The primary is known to be gone: start the view change now, in rank order. */
export function expediteElection(ctx: Ctx): void {
  const s = ctx.state;
  const deadline = ctx.now() + s.viewRank * TIMING.staggerMs + ctx.randomInt(TIMING.jitterMs / 4);
  if (deadline < s.electionDeadlineMs) s.electionDeadlineMs = deadline;
}

/**
 * This voter's place in line to succeed the primary: 0 for the voter member right after
 * it. Call it whenever the view or the voters change, and keep it in `viewRank`.
 */
export function successionRank(s: StateLike): number {
  const v = s.view;
  if (v === null) return 0;
  const line = v.members.filter((m) => m === v.primary || s.store.voters.includes(m));
  const i = line.indexOf(s.self);
  const p = line.indexOf(v.primary);
  return i >= 0 && p >= 0 ? (i - p - 1 + line.length) % line.length : 0;
}

/** Sends every client waiting on this node to `to` instead. */
export function redirectWaiting(ctx: Ctx, to: NodeId): void {
  const s = ctx.state;
  for (const requestId of Object.keys(s.waiting)) ctx.redirect(requestId, to);
  s.waiting = {};
}

/** The ballot that formed the installed view. */
export function viewBallot(s: StateLike): Ballot {
  return s.view === null ? { num: 0, node: '', inc: 0 } : { num: s.view.num, node: s.view.primary, inc: s.view.inc };
}
