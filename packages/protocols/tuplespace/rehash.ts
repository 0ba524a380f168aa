/**
 * Partition intervals changed at run time: a split of an interval onto joined nodes, and
 * a merge of an interval into its neighbour's when its partition's nodes leave.
 *
 * Split. When a group has grown (by joins) to `2 * GROUP_SIZE` members, its sequencer
 * appends a split entry: the upper half of the interval goes to a new partition, named
 * after the entry, replicated by the group's newer half (`give`); the older half keeps
 * the lower part. The entry is committed by the old group, so a majority of it holds
 * every take before it. Each member of `give` that applies it starts the new
 * partition's log with a `start` entry it builds itself (the same at every one of them):
 * the interval and every take committed before the split, so a retried `out` of a tuple
 * taken before the split never makes it reappear. The sequencer of the old partition
 * goes on sending the log to `give` members until their acks show they have applied the
 * split (a member that misses the commit would otherwise never hear of it). The other way
 * round, a sequencer in `give` moves to the new partition as the split commits, and the
 * members that keep the lower part may not have heard of the commit: they would go on
 * counting the moved members in their majorities, and never elect a sequencer or commit
 * again. So a moved member asked by its old partition for a vote (`Prepare`) or an ack
 * (`Accept`) answers `SplitDone`: the split's index and view. An entry of that index and
 * view is that split (one sequencer per view, which only appends), and the log before it
 * is the committed one (a member accepts entries only after a matching one), so the
 * receiver commits its log up to the split and applies it.
 *
 * Merge. A member leaving a group that cannot shrink (it has `GROUP_SIZE` members) makes
 * the sequencer append a merge entry naming the neighbouring partition. Once it commits,
 * the partition takes nothing: each member asks the neighbour, every round, to absorb the
 * interval with its takes (`Absorb`); the neighbour's sequencer appends an absorb entry
 * (it must border the interval) and, once that commits there, its members answer
 * `Absorbed`. The neighbour named in the merge entry may have split the bordering part
 * of its interval off since (the merge was proposed while the split was under way, or from
 * a directory that had not heard of it): no interval is absorbed unless it borders, so the
 * merge would wait forever. A member whose committed interval no longer borders answers
 * `NotNeighbour`, naming the partition that holds the keys next to the merged interval as
 * its directory says; the merged member asks that one from then on (it follows only the
 * answers of the partition it asks, so every member walks the same way, towards the one
 * live partition that borders the interval on that side). A member of a partition that
 * has merged away itself (the asker's directory lagged that merge) names the partition
 * it merged into, if its own interval bordered the asker's: that one holds its keys now,
 * or will once it has absorbed them. A merged member leaves once it has been answered and has handed every
 * tuple over, and its sequencer has seen every member apply the merge (a member that
 * never heard of it would go on acknowledging outs, and a group of members gone could
 * not elect anyone to tell it): the sequencer then leaves and tells the others (`Left`),
 * once. That one message may be lost (without Ken's reliable links), and the sequencer,
 * gone, sends no other: so a member still waiting asks its group every round (`Leave`),
 * and any member released already (the release is a fact: every member has applied the
 * merge) answers `Left`.
 * The merged group retires whole: its members that were not leaving leave too.
 *
 * Strong operations across a change. While a split or merge is in the log but not
 * committed, the sequencer takes nothing in the interval that moves (`serving`): its
 * blocked `in`s there are dropped and new takes wait, so their clients retry and are
 * redirected once the change commits. No take of a moving tuple is committed on both sides.
 *
 * Tuples across a change. A replica hands over every tuple it holds outside its
 * interval (`Handoff`, to a replica of the partition that holds it now, which writes it
 * as an out of its own, an id it already holds being a no-op) and drops it once that
 * replica has acknowledged it. Anti-entropy leaves such tuples out (a null in place).
 */
import type { NodeId } from '@faultline/runtime';
import { GROUP_SIZE, LIMITS } from './config.ts';
import { copyDirectory, learnDirectory, neighbourOf, ownerOf, type PartitionId, type Part } from './directory.ts';
import type { Entry, Msg, TupleId } from './messages.ts';
import { append, applyUpTo, canReconfigure, isLeader } from './replication.ts';
import { markLeft, owns, type Ctx, type State } from './state.ts';
import { copy, keyOf, type Tuple } from './tuples.ts';
import { writeOut } from './weak.ts';

type Split = Extract<Entry, { kind: 'split' }>;
type AbsorbMsg = Extract<Msg, { type: 'Absorb' }>;

/** Whether the sequencer may take tuples of `key` now: its partition holds it and no uncommitted split or merge moves it away. */
export function serving(s: State, key: number): boolean {
  if (!owns(s, key)) return false;
  for (let i = s.commit; i < s.log.length; i++) {
    const e = s.log[i]!;
    if (e.kind === 'merge' || (e.kind === 'split' && key >= e.at)) return false;
  }
  return true;
}

/** At the sequencer, each round: a group of `2 * GROUP_SIZE` or more splits its interval in two. */
export function splitRound(ctx: Ctx): void {
  const s = ctx.state;
  if (!isLeader(ctx) || s.leaving !== 'stay' || !canReconfigure(s) || s.group.length < 2 * GROUP_SIZE || s.hi - s.lo < 2) return;
  const at = s.lo + Math.floor((s.hi - s.lo) / 2);
  append(ctx, { kind: 'split', view: s.view, id: `${s.partition}/${s.log.length}`, at, give: s.group.slice(Math.ceil(s.group.length / 2)) });
  s.blocked = s.blocked.filter((w) => keyOf(w.template[0] as string) < at); // their clients retry, then at the new partition
}

/** At the sequencer: a member leaves a group that cannot shrink: the partition merges into a neighbour. */
export function proposeMerge(ctx: Ctx): void {
  const s = ctx.state;
  const into = neighbourOf(s.dir, s.partition, s.lo, s.hi);
  if (into === undefined || !canReconfigure(s)) return; // the only partition, or a change under way: the leaver waits
  append(ctx, { kind: 'merge', view: s.view, into });
  s.blocked = [];
}

/**
 * Applies a committed split at index `at` of the log. A member that keeps the lower part
 * narrows its interval; a member of `give` moves to the new partition and starts its log
 * (returns true: the rest of the old log is not its own).
 */
export function applySplit(ctx: Ctx, e: Split, at: number): boolean {
  const s = ctx.state;
  const hi = s.hi;
  const keep = s.group.filter((m) => !e.give.includes(m));
  setPart(s, e.id, { lo: e.at, hi, group: [...e.give], version: 1 });
  setPart(s, s.partition, { lo: s.lo, hi: e.at, group: [...keep], version: at + 1 });
  s.strays = true;
  if (!e.give.includes(ctx.self)) {
    s.group = keep;
    s.hi = e.at;
    s.version = at + 1;
    dropOutside(s);
    return false;
  }
  s.parent = { partition: s.partition, at, view: e.view };
  s.partition = e.id;
  s.group = [...e.give];
  const start: Extract<Entry, { kind: 'start' }> = { kind: 'start', view: 0, lo: e.at, hi, taken: { ...s.taken } };
  s.taken = {}; // the new partition's takes are those its log names, from its start entry on
  s.log = [start];
  s.commit = 1;
  applyAbsorb(s, start, 0);
  s.view = 0;
  s.leader = e.give[0]!;
  s.status = 'normal';
  s.silentRounds = 0;
  s.next = {};
  s.match = {};
  s.applied = {};
  s.viewStart = 0;
  s.candidacy = null;
  s.covered = {};
  dropOutside(s);
  return true;
}

/** Applies a committed merge: the interval is no longer held here. */
export function applyMerge(s: State, into: PartitionId, at: number): void {
  s.into = into;
  s.version = at + 1;
  s.strays = true;
  setPart(s, s.partition, { lo: s.lo, hi: s.lo, group: [...s.group], version: s.version });
  s.blocked = [];
  s.reads = [];
}

/** Applies a committed start or absorb entry: the interval grows by `[lo, hi)` (a start: is `[lo, hi)`), with its takes. */
export function applyAbsorb(s: State, e: Extract<Entry, { kind: 'start' | 'absorb' }>, at: number): void {
  if (e.kind === 'start') {
    s.lo = e.lo;
    s.hi = e.hi;
  } else {
    if (s.into === e.from) {
      // Merged into the partition it absorbs (onAbsorb): live again, holding both intervals. It took nothing since its merge, and none of its tuples was dropped (a merged partition acknowledges no Handoff).
      s.into = null;
      s.absorbed = false;
      s.released = false;
    }
    s.lo = Math.min(s.lo, e.lo);
    s.hi = Math.max(s.hi, e.hi);
    const old = s.dir[e.from];
    setPart(s, e.from, { lo: e.lo, hi: e.lo, group: old?.group ?? [], version: (old?.version ?? 0) + 1 });
    s.holes = true; // outs counted but not held may be this replica's now
  }
  for (const id of Object.keys(e.taken).sort()) s.taken[id] ??= e.taken[id]!;
  s.version = at + 1;
  setPart(s, s.partition, { lo: s.lo, hi: s.hi, group: [...s.group], version: s.version });
}

/** Records a partition's description if it is at least as new as the one known. */
function setPart(s: State, id: PartitionId, p: Part): void {
  if (id === s.partition || p.version >= (s.dir[id]?.version ?? -1)) s.dir[id] = p;
}

/** Waiting reads and takes for keys this replica no longer holds are dropped (their clients retry elsewhere). */
function dropOutside(s: State): void {
  const inside = (w: { template: readonly unknown[] }) => owns(s, keyOf(w.template[0] as string));
  s.blocked = s.blocked.filter(inside);
  s.reads = s.reads.filter(inside);
}

/**
 * Each round, at a replica: hands over the tuples it holds outside its interval (a batch
 * per partition that holds them now); at a merged replica, asks the neighbour to absorb
 * the interval, and leaves once that is done and nothing is left to hand over.
 */
export function rehashRound(ctx: Ctx): void {
  const s = ctx.state;
  if (s.leaving === 'left' || s.partition === '') return;
  if (s.strays) handOver(ctx);
  if (s.into === null) return;
  const target = s.dir[s.into];
  if (!s.absorbed) {
    if (target !== undefined && target.group.length > 0) ctx.send(target.group[ctx.randomInt(target.group.length)]!, { type: 'Absorb', from: s.partition, lo: s.lo, hi: s.hi, taken: { ...s.taken } });
    return;
  }
  if (s.strays) return;
  const others = s.group.filter((m) => m !== ctx.self);
  if (!isLeader(ctx)) {
    if (s.released) markLeft(s, ctx.self);
    else ctx.broadcast({ type: 'Leave', partition: s.partition, ready: true }, others); // the sequencer's one Left may have been lost, and it gone: a released member answers (leave.ts)
    return;
  }
  const mergedAt = s.version; // the merge entry's index + 1
  if (!s.group.every((m) => m === ctx.self || (s.applied[m] ?? 0) >= mergedAt)) return;
  s.released = true;
  ctx.broadcast({ type: 'Left' }, others); // every member knows of the merge: they may go (else one of them is elected and tells them)
  markLeft(s, ctx.self);
}

function handOver(ctx: Ctx): void {
  const s = ctx.state;
  const batches = new Map<PartitionId, { id: TupleId; tuple: Tuple }[]>();
  for (const id in s.tuples) {
    const t = s.tuples[id]!;
    const key = keyOf(t[0] as string);
    if (owns(s, key)) continue;
    const owner = ownerOf(s.dir, key, s.partition) ?? s.into ?? undefined;
    if (owner === undefined) continue;
    const batch = batches.get(owner) ?? [];
    if (batch.length < LIMITS.maxBatch) batch.push({ id, tuple: copy(t) });
    batches.set(owner, batch);
  }
  if (batches.size === 0) s.strays = false;
  for (const owner of [...batches.keys()].sort()) {
    const group = s.dir[owner]?.group ?? [];
    if (group.length > 0) ctx.send(group[ctx.randomInt(group.length)]!, { type: 'Handoff', tuples: batches.get(owner)! });
  }
}

/** A replica that holds the tuples' keys writes them as its own outs and acknowledges them. */
export function onHandoff(ctx: Ctx, from: NodeId, tuples: readonly { id: TupleId; tuple: Tuple }[]): void {
  const s = ctx.state;
  if (s.leaving !== 'stay') return;
  const ids: TupleId[] = [];
  for (const t of tuples) {
    if (!owns(s, keyOf(t.tuple[0]))) continue;
    writeOut(ctx, t.id, t.tuple);
    ids.push(t.id);
  }
  if (ids.length > 0) ctx.send(from, { type: 'HandoffAck', ids });
}

/** The holder drops the tuples that their partition now holds. */
export function onHandoffAck(ctx: Ctx, ids: readonly TupleId[]): void {
  const s = ctx.state;
  for (const id of ids) {
    const t = s.tuples[id];
    if (t === undefined) continue;
    const key = keyOf(t[0] as string);
    if (owns(s, key)) continue;
    delete s.tuples[id];
    s.unheld[id] = key;
  }
}

/** At a member moved by a split: a member of the partition it was split from asks it for a vote or an ack: the split committed. */
export function tellSplit(ctx: Ctx, to: NodeId, partition: PartitionId): void {
  const p = ctx.state.parent;
  if (p !== null && p.partition === partition) ctx.send(to, { type: 'SplitDone', partition, at: p.at, view: p.view });
}

/** At a member of a partition that was split: commits its log up to the split, if it holds that entry and has not yet. */
export function onSplitDone(ctx: Ctx, partition: PartitionId, at: number, view: number): void {
  const s = ctx.state;
  const e = s.log[at];
  if (partition !== s.partition || s.commit > at || e?.kind !== 'split' || e.view !== view) return;
  applyUpTo(ctx, at + 1);
}

/** At a member of the neighbour: absorbs a merged interval (the sequencer), or says it has. */
export function onAbsorb(ctx: Ctx, from: NodeId, msg: AbsorbMsg): void {
  const s = ctx.state;
  // Two neighbours merged into each other (a leave in each at once): neither would ever absorb the other. The lower id takes the other in, and that undoes its own merge (applyAbsorb).
  const mutual = s.into === msg.from && s.partition < msg.from;
  if (s.partition === '' || s.partition === msg.from) return; // a member of the merged partition that has not heard of the merge
  if (s.into !== null && !mutual) return mergedAway(ctx, from, msg);
  const at = s.log.findIndex((e) => e.kind === 'absorb' && e.from === msg.from);
  if (at >= 0 && at < s.commit) return ctx.send(from, { type: 'Absorbed', from: msg.from, by: s.partition }); // (an interval that covers it is not enough: a member that has not applied an earlier split covers it too)
  if (at < 0 && s.into === null && s.lo < s.hi && s.hi !== msg.lo && s.lo !== msg.hi) return notNeighbour(ctx, from, msg);
  const free = canReconfigure({ log: s.log, commit: s.commit, view: s.view, viewStart: s.viewStart, into: null });
  if (at >= 0 || !isLeader(ctx) || !free || (s.hi !== msg.lo && s.lo !== msg.hi)) return; // it asks again
  append(ctx, { kind: 'absorb', view: s.view, from: msg.from, lo: msg.lo, hi: msg.hi, taken: { ...msg.taken } });
}

/** At a live member that does not border a merged interval: names the partition holding the keys on this member's side of it. */
function notNeighbour(ctx: Ctx, to: NodeId, msg: AbsorbMsg): void {
  const s = ctx.state;
  const key = s.hi <= msg.lo ? msg.lo - 1 : s.lo >= msg.hi ? msg.hi : undefined; // it overlaps the interval only while it lags its own log: it asks again
  const next = key === undefined ? undefined : ownerOf(s.dir, key, s.partition);
  if (next !== undefined && next !== msg.from) ctx.send(to, { type: 'NotNeighbour', from: msg.from, by: s.partition, to: next, dir: copyDirectory(s.dir) });
}

/**
 * At a member of a partition merged away itself (the asker's directory lagged): if its
 * own interval bordered the merged one, the partition it merged into holds (or is about
 * to) the keys next to it, so it names that one.
 */
function mergedAway(ctx: Ctx, to: NodeId, msg: AbsorbMsg): void {
  const s = ctx.state;
  if (s.into !== null && s.into !== msg.from && (s.hi === msg.lo || s.lo === msg.hi)) ctx.send(to, { type: 'NotNeighbour', from: msg.from, by: s.partition, to: s.into, dir: copyDirectory(s.dir) });
}

/** At a merged member: the partition it asks to absorb its interval no longer borders it: it asks the one named. */
export function onNotNeighbour(ctx: Ctx, msg: Extract<Msg, { type: 'NotNeighbour' }>): void {
  const s = ctx.state;
  if (s.absorbed || msg.from !== s.partition || s.into !== msg.by) return;
  learnDirectory(s.dir, msg.dir, s.partition);
  s.into = msg.to;
}

export function onAbsorbed(ctx: Ctx, from: PartitionId, by: PartitionId): void {
  const s = ctx.state;
  if (s.into !== null && from === s.partition && by === s.into) s.absorbed = true;
}
