/**
 * Snapshots and log compaction (section 7 of the Raft paper). Each node, on its own,
 * replaces the entries it has applied by the state machine they led to, once
 * `snapshotEvery` of them (its pace: `LIMITS.snapshotEvery` by default) are in its log.
 * It does so at the start of a later turn (its heartbeat or the next AppendEntries),
 * never in the turn that applied them, so every
 * committed entry is visible in some node's log between two turns. A leader that must send
 * a follower entries it has compacted away sends its snapshot instead (InstallSnapshot);
 * the follower keeps the entries after it if its log agrees there, and otherwise drops its
 * whole log.
 */
import type { NodeId } from '@faultline/runtime';
import { baseIndex, chain, entryAt, keyHash, lastIndex, termAt } from './log.ts';
import type { Msg, Snapshot } from './messages.ts';
import { acceptLeader } from './roles.ts';
import { pace, type Ctx } from './state.ts';

type InstallSnapshotMsg = Extract<Msg, { type: 'InstallSnapshot' }>;

/** Replaces the applied entries by a snapshot, once there are `snapshotEvery` of them. */
export function compact(ctx: Ctx): void {
  const s = ctx.state;
  const base = baseIndex(s);
  if (s.lastApplied - base < pace(s).snapshotEvery) return;
  let digest = s.snapshot?.digest ?? 0;
  for (let i = base + 1; i <= s.lastApplied; i++) digest = chain(digest, keyHash(entryAt(s, i)!));
  // Copies: the live store and sessions are drafts that this turn may go on to change
  // (entries applied after the compaction), which a shared reference would carry into the snapshot.
  const snapshot: Snapshot = { index: s.lastApplied, term: termAt(s, s.lastApplied), digest, kv: { ...s.kv }, sessions: { ...s.sessions } };
  // BUG snapshot-off-by-one: one entry more is cut than the snapshot replaces.
  s.log = s.log.slice(s.lastApplied - base + (s.bug === 'snapshot-off-by-one' ? 1 : 0));
  s.snapshot = snapshot;
}

export function sendSnapshot(ctx: Ctx, peer: NodeId): void {
  const s = ctx.state;
  ctx.send(peer, { type: 'InstallSnapshot', term: s.currentTerm, snapshot: s.snapshot!, leaderCommit: s.commitIndex });
}

export function onInstallSnapshot(ctx: Ctx, from: NodeId, msg: InstallSnapshotMsg): void {
  if (!acceptLeader(ctx, from, msg.term)) return;
  const s = ctx.state;
  const snap = msg.snapshot;
  // What is applied here already covers it: the log agrees with the leader's up to there (it is committed).
  if (snap.index > s.lastApplied) {
    const keep = termAt(s, snap.index) === snap.term ? s.log.slice(snap.index - baseIndex(s)) : [];
    s.log = keep;
    s.snapshot = snap;
    s.kv = { ...snap.kv };
    s.sessions = { ...snap.sessions };
    s.lastApplied = snap.index;
    s.commitIndex = Math.max(s.commitIndex, snap.index);
    for (const [requestId, p] of Object.entries(s.pending)) if (p.index > 0 && p.index <= snap.index) delete s.pending[requestId];
  }
  ctx.send(from, { type: 'AppendResult', term: s.currentTerm, success: true, matchIndex: Math.min(snap.index, lastIndex(s)), hint: 0 });
}
