/**
 * The partition's log, replicated by its sequencer: entries are appended only by the
 * sequencer of the current view and sent to every member; a member accepts them only in
 * order (each message names the view stamp of the entry before it, so a member whose log
 * differs there refuses and is sent an earlier part); an entry is committed once a
 * majority of the group holds it and it, or a later entry, carries the current view. A
 * committed entry is then applied everywhere in log order: takes hide their tuple,
 * config entries change the group.
 */
import type { NodeId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { Entry, Msg } from './messages.ts';
import { majority, markLeft, type Ctx, type State } from './state.ts';
import { copy } from './tuples.ts';

type AcceptMsg = Extract<Msg, { type: 'Accept' }>;
type AckMsg = Extract<Msg, { type: 'Ack' }>;

export function isLeader(ctx: Ctx): boolean {
  const s = ctx.state;
  return s.status === 'normal' && s.leader === ctx.self && s.partition >= 0;
}

/**
 * At the sequencer: whether a group change may be proposed now: none is uncommitted, and
 * after a view change its noop has committed (one change at a time: see viewchange.ts).
 */
export function canReconfigure(s: Pick<State, 'log' | 'commit' | 'view' | 'viewStart'>): boolean {
  return !s.log.slice(s.commit).some((e) => e.kind === 'config') && !(s.view > 0 && s.commit <= s.viewStart);
}

/** At the sequencer: appends an entry of the current view and sends it on. */
export function append(ctx: Ctx, entry: Entry): void {
  const s = ctx.state;
  s.log.push(entry);
  for (const m of s.group) if (m !== ctx.self) sendLog(ctx, m);
  advanceCommit(ctx);
}

/** At the sequencer: sends `member` the log from where it is believed to be (bounded), with the commit index. */
export function sendLog(ctx: Ctx, member: NodeId): void {
  const s = ctx.state;
  const from = Math.min(s.next[member] ?? 0, s.log.length);
  ctx.send(member, {
    type: 'Accept',
    view: s.view,
    partition: s.partition,
    group: [...s.group],
    from,
    prevView: from === 0 ? -1 : s.log[from - 1]!.view,
    entries: s.log.slice(from, from + LIMITS.maxBatch).map(plain),
    commit: s.commit,
  });
}

/** A member's side of an Accept. */
export function onAccept(ctx: Ctx, from: NodeId, msg: AcceptMsg): void {
  const s = ctx.state;
  const elsewhere = s.partition >= 0 && msg.partition !== s.partition;
  if (msg.view < s.view || elsewhere || !msg.group.includes(ctx.self)) {
    if (elsewhere && msg.group.includes(ctx.self)) return ctx.send(from, { type: 'Elsewhere' }); // admitted by two partitions (leave.ts)
    ctx.send(from, { type: 'Ack', view: s.view, leader: s.leader, ok: false, length: 0 });
    return;
  }
  if (s.partition < 0) {
    // Admitted: this node now replicates the partition, and learns its log from here and its tuples by pulls.
    s.partition = msg.partition;
    s.group = [...msg.group];
    s.groups[msg.partition] = [...msg.group];
  }
  if (msg.view > s.view || s.status !== 'normal' || s.leader !== from) follow(ctx, msg.view, from);
  s.silentRounds = 0;
  const ack = (ok: boolean, length: number) => ctx.send(from, { type: 'Ack', view: s.view, leader: from, ok, length });
  const prev = msg.from === 0 ? -1 : s.log[msg.from - 1]?.view;
  if (prev !== msg.prevView) return ack(false, Math.min(msg.from - 1, s.log.length)); // a gap, or another entry before these: ask for an earlier part
  msg.entries.forEach((e, i) => {
    const at = msg.from + i;
    if (s.log[at]?.view === e.view) return; // the same entry (one sequencer per view, and it only appends)
    s.log.splice(at); // a different, uncommitted entry from an older view: replaced from here on
    s.log.push(plain(e));
  });
  const matched = msg.from + msg.entries.length;
  applyUpTo(ctx, Math.min(msg.commit, matched));
  ack(true, matched);
}

/** The sequencer's side of an Ack. */
export function onAck(ctx: Ctx, from: NodeId, msg: AckMsg): void {
  const s = ctx.state;
  if (msg.view > s.view) return follow(ctx, msg.view, msg.leader); // a newer view exists: stop sequencing
  if (msg.view !== s.view || !isLeader(ctx)) return;
  if (!msg.ok) {
    s.next[from] = Math.min(s.next[from] ?? 0, msg.length);
    return;
  }
  s.match[from] = Math.max(s.match[from] ?? 0, msg.length);
  s.next[from] = Math.max(s.next[from] ?? 0, msg.length);
  advanceCommit(ctx);
}

/** Follows `leader` in `view` (unknown leader: null), dropping what only a sequencer holds. */
export function follow(ctx: Ctx, view: number, leader: NodeId | null): void {
  const s = ctx.state;
  s.view = view;
  s.leader = leader;
  s.status = leader === null ? 'change' : 'normal';
  s.candidacy = null;
  s.blocked = []; // their clients retry at the new sequencer
  s.next = {};
  s.match = {};
  s.silentRounds = 0;
}

/** At the sequencer: the longest prefix a majority holds, committed once its last entry is of this view. */
function advanceCommit(ctx: Ctx): void {
  const s = ctx.state;
  const held = s.group.map((m) => (m === ctx.self ? s.log.length : (s.match[m] ?? 0))).sort((a, b) => b - a);
  const n = held[majority(s.group) - 1]!;
  if (n > s.commit && s.log[n - 1]!.view === s.view) applyUpTo(ctx, n);
}

/** Applies committed entries up to `n`; at the sequencer, answers the takes it commits. */
export function applyUpTo(ctx: Ctx, n: number): void {
  const s = ctx.state;
  const leading = isLeader(ctx);
  for (; s.commit < n; s.commit++) {
    const e = s.log[s.commit]!;
    if (e.kind === 'take') {
      s.taken[e.id] = e.by;
      const tuple = s.tuples[e.id];
      if (leading && tuple !== undefined) ctx.reply(e.by, { type: 'tuple', id: e.id, tuple: copy(tuple) });
    } else if (e.kind === 'config') {
      s.group = [...e.group];
      s.groups[s.partition] = [...e.group];
      if (s.leaving === 'leaving' && !e.group.includes(ctx.self)) markLeft(s, ctx.self); // its own removal (leave.ts)
    }
  }
}

/** A plain copy of an entry read through a draft. */
function plain(e: Entry): Entry {
  return e.kind === 'config' ? { ...e, group: [...e.group] } : { ...e };
}
