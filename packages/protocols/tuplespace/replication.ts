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
import { applyAbsorb, applyMerge, applySplit, tellSplit } from './rehash.ts';
import { majority, markLeft, type Ctx, type State } from './state.ts';
import { copy } from './tuples.ts';

type AcceptMsg = Extract<Msg, { type: 'Accept' }>;
type AckMsg = Extract<Msg, { type: 'Ack' }>;

export function isLeader(ctx: Ctx): boolean {
  const s = ctx.state;
  return s.status === 'normal' && s.leader === ctx.self && s.partition !== '';
}

/**
 * At the sequencer: whether a group or interval change may be proposed now: none is
 * uncommitted, after a view change its noop has committed (one change at a time: see
 * viewchange.ts), and the partition has not been merged away.
 */
export function canReconfigure(s: Pick<State, 'log' | 'commit' | 'view' | 'viewStart' | 'into'>): boolean {
  return s.into === null && !s.log.slice(s.commit).some((e) => e.kind !== 'take' && e.kind !== 'noop') && !(s.view > 0 && s.commit <= s.viewStart);
}

/**
 * At the sequencer: the nodes it sends the log to: its group, and the members that the
 * last committed split moved to a new partition until their acks show they have applied it.
 */
export function recipients(ctx: Ctx): NodeId[] {
  const s = ctx.state;
  const out = s.group.filter((m) => m !== ctx.self);
  for (let i = s.commit - 1; i >= 0; i--) {
    const e = s.log[i]!;
    if (e.kind !== 'split') continue;
    for (const m of e.give) if (m !== ctx.self && !out.includes(m) && (s.applied[m] ?? 0) <= i) out.push(m);
    break;
  }
  return out;
}

/** At the sequencer: appends an entry of the current view and sends it on. */
export function append(ctx: Ctx, entry: Entry): void {
  const s = ctx.state;
  s.log.push(entry);
  for (const m of recipients(ctx)) sendLog(ctx, m);
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
  const elsewhere = s.partition !== '' && msg.partition !== s.partition;
  if (elsewhere && s.partition.startsWith(`${msg.partition}/`)) {
    tellSplit(ctx, from, msg.partition); // its sequencer may not know the split committed
    return ctx.send(from, { type: 'Ack', partition: msg.partition, view: msg.view, leader: from, ok: false, length: 0, commit: msg.commit }); // split off from it: applied
  }
  if (elsewhere && msg.partition.startsWith(`${s.partition}/`)) return; // split off from this node's partition, which has not told it yet
  const member = msg.group.includes(ctx.self) || (!elsewhere && s.group.includes(ctx.self)) || movedAtJoin(ctx, msg); // or moved by a split it has not applied
  if (msg.view < s.view || elsewhere || !member) {
    if (elsewhere) return msg.group.includes(ctx.self) ? ctx.send(from, { type: 'Elsewhere' }) : undefined; // admitted by two partitions (leave.ts)
    ctx.send(from, { type: 'Ack', partition: msg.partition, view: s.view, leader: s.leader, ok: false, length: 0, commit: s.commit });
    return;
  }
  if (s.partition === '') {
    // Admitted: this node now replicates the partition, and learns its log (its interval first) from here and its tuples by pulls.
    s.partition = msg.partition;
    s.group = [...msg.group];
  }
  const partition = s.partition;
  if (msg.view > s.view || s.status !== 'normal' || s.leader !== from) follow(ctx, msg.view, from);
  s.silentRounds = 0;
  const ack = (ok: boolean, length: number) => ctx.send(from, { type: 'Ack', partition: msg.partition, view: s.view, leader: from, ok, length, commit: s.commit });
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
  if (s.partition !== partition) return ctx.send(from, { type: 'Ack', partition: msg.partition, view: msg.view, leader: from, ok: false, length: 0, commit: msg.commit }); // moved by a split
  ack(true, matched);
}

/**
 * At a joiner: the Accept's committed entries include a split that moves it to the new
 * partition. It was admitted, then split off, before any Accept reached it (without
 * Ken's reliable links, all of them can be lost in that window): the sequencer's group
 * no longer names it, but it goes on sending it the log until it applies that split.
 */
function movedAtJoin(ctx: Ctx, msg: AcceptMsg): boolean {
  return ctx.state.partition === '' && msg.entries.some((e, i) => e.kind === 'split' && msg.from + i < msg.commit && e.give.includes(ctx.self));
}

/** The sequencer's side of an Ack. */
export function onAck(ctx: Ctx, from: NodeId, msg: AckMsg): void {
  const s = ctx.state;
  if (msg.partition !== s.partition) return; // about the partition it was split from, or moved to
  if (msg.view > s.view) return follow(ctx, msg.view, msg.leader); // a newer view exists: stop sequencing
  if (msg.view !== s.view || !isLeader(ctx)) return;
  s.applied[from] = Math.max(s.applied[from] ?? 0, msg.commit);
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
  s.applied = {};
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
  while (s.commit < n) {
    const at = s.commit++;
    const e = s.log[at]!;
    if (e.kind === 'take') {
      s.taken[e.id] = e.by;
      const tuple = s.tuples[e.id];
      if (leading && tuple !== undefined) ctx.reply(e.by, { type: 'tuple', id: e.id, tuple: copy(tuple) });
    } else if (e.kind === 'config') {
      s.group = [...e.group];
      s.version = at + 1;
      s.dir[s.partition] = { lo: s.lo, hi: s.into === null ? s.hi : s.lo, group: [...e.group], version: s.version };
      if (s.leaving === 'leaving' && !e.group.includes(ctx.self)) markLeft(s, ctx.self); // its own removal (leave.ts)
    } else if (e.kind === 'split') {
      if (applySplit(ctx, e, at)) return; // moved to the new partition: the rest of this log is not its own
    } else if (e.kind === 'merge') applyMerge(s, e.into, at);
    else if (e.kind === 'start' || e.kind === 'absorb') applyAbsorb(s, e, at);
  }
}

/** A plain copy of an entry read through a draft. */
export function plain(e: Entry): Entry {
  switch (e.kind) {
    case 'config':
      return { ...e, group: [...e.group] };
    case 'split':
      return { ...e, give: [...e.give] };
    case 'start':
    case 'absorb':
      return { ...e, taken: { ...e.taken } };
    default:
      return { ...e };
  }
}
