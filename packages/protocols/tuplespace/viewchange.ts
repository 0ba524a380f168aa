/**
 * Replacing a silent sequencer by majority vote. A member that has not heard its
 * sequencer for a while asks the group to vote for it in the next view. A member votes
 * (promises) for a view higher than any it has voted in or followed, unless it has heard
 * a live sequencer recently, and sends its log past the candidate's commit index. With
 * the votes of a majority the candidate adopts the most up-to-date of their logs (last
 * entry's view first, then length), appends a noop of its view and sequences from there.
 *
 * Why no committed take is lost or changed: an entry is committed only when a majority
 * holds it and it (or a later entry) carries the committing sequencer's view, so every
 * later candidate's majority contains a voter that holds it, and the most up-to-date log
 * among the voters contains it too (the argument of Raft's election restriction, with the
 * candidate adopting that log instead of needing it itself). Votes for one view are
 * exclusive, so a view has at most one sequencer, and it only appends: two entries with
 * the same index and view are the same entry. Groups change one member at a time, each
 * change committed (under the old group) before the next is proposed, so a majority of
 * the old group and one of the new always share a member; a candidate also waits for a
 * majority of the latest group named in the log it would adopt.
 */
import type { NodeId } from '@faultline/runtime';
import { TIMING } from './config.ts';
import type { Entry, Msg } from './messages.ts';
import { append, follow, plain } from './replication.ts';
import { tellSplit } from './rehash.ts';
import { majority, type Ctx } from './state.ts';

type PrepareMsg = Extract<Msg, { type: 'Prepare' }>;
type PromiseMsg = Extract<Msg, { type: 'Promise' }>;

/** Each round: a member that has not heard its sequencer for too long stands as candidate for the next view. */
export function suspectRound(ctx: Ctx): void {
  const s = ctx.state;
  if (s.partition === '' || (s.leader === ctx.self && s.status === 'normal')) return;
  if (++s.silentRounds < TIMING.suspectRounds + ctx.randomInt(TIMING.suspectRounds) || s.leaving !== 'stay') return; // a leaver votes, never stands (leave.ts)
  const view = s.view + 1;
  follow(ctx, view, null);
  s.candidacy = { votes: { [ctx.self]: { from: s.commit, entries: s.log.slice(s.commit).map((e) => plain(e)), lastView: lastView(s.log), length: s.log.length } } };
  ctx.broadcast({ type: 'Prepare', view, partition: s.partition, commit: s.commit }, s.group);
}

export function onPrepare(ctx: Ctx, from: NodeId, msg: PrepareMsg): void {
  const s = ctx.state;
  if (msg.partition !== s.partition) return tellSplit(ctx, from, msg.partition); // split off from it, perhaps unbeknown to it
  if (msg.view <= s.view) return;
  if (s.status === 'normal' && s.leader !== null && s.silentRounds < TIMING.suspectRounds) return; // its sequencer is alive
  follow(ctx, msg.view, null);
  ctx.send(from, { type: 'Promise', partition: msg.partition, view: msg.view, from: msg.commit, entries: s.log.slice(msg.commit).map((e) => plain(e)), lastView: lastView(s.log), length: s.log.length });
}

export function onPromise(ctx: Ctx, from: NodeId, msg: PromiseMsg): void {
  const s = ctx.state;
  if (s.candidacy === null || msg.view !== s.view || msg.partition !== s.partition) return;
  s.candidacy.votes[from] = { from: msg.from, entries: msg.entries.map((e) => plain(e)), lastView: msg.lastView, length: msg.length };
  const votes = s.candidacy.votes;
  const voters = Object.keys(votes).sort();
  const best = votes[voters.reduce((a, b) => (upToDate(votes[b]!, votes[a]!) ? b : a))]!;
  if (best.from > s.commit) return; // cannot happen: every voter was asked for its log past this commit
  const log = [...s.log.slice(0, best.from), ...best.entries];
  const latest = latestGroup(log, s.group);
  const enough = (group: readonly NodeId[]) => voters.filter((v) => group.includes(v)).length >= majority(group);
  if (!enough(s.group) || !enough(latest)) return;
  s.log = log;
  s.candidacy = null;
  s.leader = ctx.self;
  s.status = 'normal';
  s.silentRounds = 0;
  s.viewStart = s.log.length;
  for (const m of s.group) s.next[m] = s.commit;
  append(ctx, { kind: 'noop', view: s.view });
}

function lastView(log: readonly Entry[]): number {
  return log.length === 0 ? -1 : log[log.length - 1]!.view;
}

function upToDate(a: { lastView: number; length: number }, b: { lastView: number; length: number }): boolean {
  return a.lastView > b.lastView || (a.lastView === b.lastView && a.length > b.length);
}

/** The group the last config or split entry of `log` leaves (a split: the group before it without `give`), or `before` if none. */
function latestGroup(log: readonly Entry[], before: readonly NodeId[]): readonly NodeId[] {
  for (let i = log.length - 1; i >= 0; i--) {
    const e = log[i]!;
    if (e.kind === 'config') return e.group;
    if (e.kind === 'split') return latestGroup(log.slice(0, i), before).filter((m) => !e.give.includes(m));
  }
  return before;
}
