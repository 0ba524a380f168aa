/**
 * Log replication: the leader sends each follower the entries it lacks, finds where their
 * logs agree by walking back on refusals, advances the commit index over entries of its
 * own term that a majority stores, and every node applies committed entries in order.
 */
import type { NodeId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import { applyCommand } from './kv.ts';
import { baseIndex, entryAt, lastIndex, majority, retryHint, termAt, type Log } from './log.ts';
import type { Entry, Msg } from './messages.ts';
import { acceptLeader, observeTerm } from './roles.ts';
import { compact, sendSnapshot } from './snapshot.ts';
import { pace, type Ctx } from './state.ts';

type AppendEntriesMsg = Extract<Msg, { type: 'AppendEntries' }>;
type AppendResultMsg = Extract<Msg, { type: 'AppendResult' }>;

/** Sends `peer` the entries from its next index on (at most a batch), or an empty heartbeat. */
export function sendAppend(ctx: Ctx, peer: NodeId): void {
  const s = ctx.state;
  const l = s.leader!;
  // Under Ken the queued messages will arrive: do not pile more onto an unreachable peer.
  if (ctx.unackedTo(peer) >= LIMITS.maxUnackedPerPeer) return;
  const next = l.nextIndex[peer]!;
  const prevIndex = next - 1;
  if (prevIndex < baseIndex(s)) return sendSnapshot(ctx, peer); // what it lacks is compacted away
  ctx.send(peer, {
    type: 'AppendEntries',
    term: s.currentTerm,
    prevIndex,
    prevTerm: termAt(s, prevIndex),
    entries: batchFrom(s, next),
    leaderCommit: s.commitIndex,
  });
}

/**
 * The entries to send from index `next` on: at most a batch, and all of one term. A new
 * leader thus sends a lagging follower the older terms' entries before its own, so they
 * may reach a majority first: the situation of Figure 8, in which the commit rule (count
 * only entries of the current term) is what keeps them from being committed too early.
 */
export function batchFrom(l: Log, next: number): Entry[] {
  const term = termAt(l, next);
  const from = next - baseIndex(l) - 1;
  let end = from;
  while (end < l.log.length && end - from < LIMITS.maxBatchEntries && l.log[end]!.term === term) end++;
  return l.log.slice(from, end);
}

export function heartbeat(ctx: Ctx): void {
  compact(ctx);
  for (const peer of ctx.peers) sendAppend(ctx, peer);
  ctx.setTimer('heartbeat', pace(ctx.state).heartbeatMs);
}

export function onAppendEntries(ctx: Ctx, from: NodeId, msg: AppendEntriesMsg): void {
  if (!acceptLeader(ctx, from, msg.term)) return;
  const s = ctx.state;
  compact(ctx);
  const base = baseIndex(s);
  // Entries up to the snapshot are committed, so they agree with the leader's: only those after it are compared.
  if (msg.prevIndex >= base && (msg.prevIndex > lastIndex(s) || termAt(s, msg.prevIndex) !== msg.prevTerm)) {
    const hint = retryHint(s, msg.prevIndex, s.commitIndex + 1);
    ctx.send(from, { type: 'AppendResult', term: s.currentTerm, success: false, matchIndex: 0, hint });
    return;
  }
  // Keep what agrees, cut the log at the first conflict, append the rest.
  msg.entries.forEach((entry, k) => {
    const index = msg.prevIndex + 1 + k;
    if (index <= base) return;
    if (index <= lastIndex(s) && termAt(s, index) === entry.term) return;
    if (index <= lastIndex(s)) s.log.splice(index - base - 1);
    s.log.push(entry);
  });
  // Only what this message vouches for: entries past it may be stale leftovers.
  const matchIndex = msg.prevIndex + msg.entries.length;
  if (msg.leaderCommit > s.commitIndex) {
    s.commitIndex = Math.max(s.commitIndex, Math.min(msg.leaderCommit, matchIndex));
    applyCommitted(ctx);
  }
  ctx.send(from, { type: 'AppendResult', term: s.currentTerm, success: true, matchIndex, hint: 0 });
}

export function onAppendResult(ctx: Ctx, from: NodeId, msg: AppendResultMsg): void {
  observeTerm(ctx, msg.term);
  const s = ctx.state;
  const l = s.leader;
  if (s.role !== 'leader' || l === null || msg.term !== s.currentTerm) return;
  const match = l.matchIndex[from];
  if (match === undefined) return;
  if (msg.success) {
    if (msg.matchIndex <= match) return; // a duplicate or a late answer: nothing new
    l.matchIndex[from] = msg.matchIndex;
    l.nextIndex[from] = Math.max(l.nextIndex[from]!, msg.matchIndex + 1);
    advanceCommit(ctx);
    if (l.nextIndex[from]! <= lastIndex(s)) sendAppend(ctx, from);
    return;
  }
  const next = Math.max(match + 1, msg.hint);
  if (next >= l.nextIndex[from]!) return; // an answer to an older probe
  l.nextIndex[from] = next;
  sendAppend(ctx, from);
}

/**
 * The leader's commit rule: the highest index stored on a majority whose entry is of the
 * current term. Older entries are committed with it (log matching), never by being counted.
 */
export function advanceCommit(ctx: Ctx): void {
  const s = ctx.state;
  const l = s.leader!;
  const needed = majority(s.cluster.length);
  for (let n = lastIndex(s); n > s.commitIndex; n--) {
    if (termAt(s, n) !== s.currentTerm) {
      if (s.bug !== 'commit-old-term') break; // terms only fall going back: nothing older may be counted
    }
    let count = 1;
    for (const peer of ctx.peers) if ((l.matchIndex[peer] ?? 0) >= n) count++;
    if (count >= needed) {
      s.commitIndex = n; // BUG commit-old-term: n may be an earlier term's entry
      applyCommitted(ctx);
      return;
    }
  }
}

/** Applies every committed entry not yet applied, answering the clients this node holds. */
export function applyCommitted(ctx: Ctx): void {
  const s = ctx.state;
  while (s.lastApplied < s.commitIndex) {
    const entry = entryAt(s, s.lastApplied + 1)!;
    s.lastApplied++;
    const result = applyCommand(s, entry.cmd);
    if (entry.cmd.kind !== 'client') continue;
    const requestId = entry.cmd.requestId;
    if (s.pending[requestId] === undefined) continue;
    delete s.pending[requestId];
    if (result !== null) ctx.reply(requestId, result); // null: the client has moved on
  }
}
