/** Moving between follower, candidate and leader, and what each move does to timers and clients. */
import type { NodeId } from '@faultline/runtime';
import { pace, type Ctx } from './state.ts';

/** A fresh random election timeout, so that two candidates rarely collide twice. */
export function resetElectionTimer(ctx: Ctx): void {
  const { electionMsMin, electionMsMax } = pace(ctx.state);
  ctx.setTimer('election', electionMsMin + ctx.random() * (electionMsMax - electionMsMin));
}

/** Any message from a newer term: adopt the term, forget the vote, and follow. */
export function observeTerm(ctx: Ctx, term: number): void {
  const s = ctx.state;
  if (term <= s.currentTerm) return;
  s.currentTerm = term;
  s.votedFor = null;
  s.leaderId = null;
  if (s.role !== 'follower') becomeFollower(ctx);
}

/** Stop leading or campaigning. Requests taken on as leader are handed on once a leader is known. */
export function becomeFollower(ctx: Ctx): void {
  const s = ctx.state;
  const wasLeader = s.role === 'leader';
  s.role = 'follower';
  s.leader = null;
  s.votes = [];
  if (wasLeader) {
    ctx.cancelTimer('heartbeat');
    resetElectionTimer(ctx);
  }
}

/** The leader of the current term has made itself known. */
export function followLeader(ctx: Ctx, leader: NodeId): void {
  const s = ctx.state;
  if (s.role !== 'follower') becomeFollower(ctx);
  s.leaderId = leader;
  resetElectionTimer(ctx);
  forwardPending(ctx, leader);
}

/**
 * A node that is not the leader sends every request it holds to the leader, which will
 * find it in its log or its sessions if it was already appended, and append it otherwise.
 */
export function forwardPending(ctx: Ctx, leader: NodeId): void {
  const s = ctx.state;
  for (const requestId of Object.keys(s.pending)) {
    ctx.redirect(requestId, leader);
    delete s.pending[requestId];
  }
}

/**
 * A message from `from` as leader of `term`: refused (answered with a failed
 * AppendResult, false) if the term is old or this node leads; otherwise followed.
 */
export function acceptLeader(ctx: Ctx, from: NodeId, term: number): boolean {
  observeTerm(ctx, term);
  const s = ctx.state;
  if (term < s.currentTerm || s.role === 'leader') {
    ctx.send(from, { type: 'AppendResult', term: s.currentTerm, success: false, matchIndex: 0, hint: 0 });
    return false;
  }
  followLeader(ctx, from);
  return true;
}
