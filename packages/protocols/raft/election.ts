/**
 * Leader election: a follower that hears no leader for its election timeout becomes a
 * candidate of the next term and asks everyone for a vote; a node grants one vote per
 * term, and only to a candidate whose log is at least as up-to-date as its own. A
 * majority makes the candidate leader, whose first act is to append a no-op of its term.
 */
import type { NodeId } from '@faultline/runtime';
import { atLeastAsUpToDate, lastIndex, lastTerm, majority } from './log.ts';
import type { Msg } from './messages.ts';
import { heartbeat } from './replication.ts';
import { serveHeld } from './requests.ts';
import { observeTerm, resetElectionTimer } from './roles.ts';
import type { Ctx } from './state.ts';

type RequestVoteMsg = Extract<Msg, { type: 'RequestVote' }>;
type VoteMsg = Extract<Msg, { type: 'Vote' }>;

export function onElectionTimeout(ctx: Ctx): void {
  const s = ctx.state;
  if (s.role === 'leader') return;
  s.currentTerm++;
  s.role = 'candidate';
  s.votedFor = s.self;
  s.votes = [s.self];
  s.leaderId = null;
  resetElectionTimer(ctx);
  ctx.broadcast({ type: 'RequestVote', term: s.currentTerm, lastIndex: lastIndex(s), lastTerm: lastTerm(s) });
  if (s.votes.length >= majority(s.cluster.length)) becomeLeader(ctx);
}

export function onRequestVote(ctx: Ctx, from: NodeId, msg: RequestVoteMsg): void {
  observeTerm(ctx, msg.term);
  const s = ctx.state;
  const upToDate = atLeastAsUpToDate(msg.lastTerm, msg.lastIndex, lastTerm(s), lastIndex(s));
  const granted =
    msg.term === s.currentTerm &&
    (s.votedFor === null || s.votedFor === from) &&
    (upToDate || s.bug === 'vote-without-log-check'); // BUG vote-without-log-check: the log is not compared
  if (granted) {
    s.votedFor = from;
    resetElectionTimer(ctx);
  }
  ctx.send(from, { type: 'Vote', term: s.currentTerm, granted });
}

export function onVote(ctx: Ctx, from: NodeId, msg: VoteMsg): void {
  observeTerm(ctx, msg.term);
  const s = ctx.state;
  if (s.role !== 'candidate' || msg.term !== s.currentTerm || !msg.granted || s.votes.includes(from)) return;
  s.votes.push(from);
  if (s.votes.length >= majority(s.cluster.length)) becomeLeader(ctx);
}

function becomeLeader(ctx: Ctx): void {
  const s = ctx.state;
  s.role = 'leader';
  s.leaderId = s.self;
  s.votes = [];
  const next = lastIndex(s) + 1;
  s.leader = { nextIndex: {}, matchIndex: {} };
  for (const peer of ctx.peers) {
    s.leader.nextIndex[peer] = next;
    s.leader.matchIndex[peer] = 0;
  }
  // A no-op of the new term: committing it commits everything before it, so the leader
  // learns what is committed without counting replicas of older terms' entries.
  s.log.push({ term: s.currentTerm, cmd: { kind: 'noop' } });
  ctx.cancelTimer('election');
  heartbeat(ctx);
  serveHeld(ctx);
}
