import { always, eventually, liveStates, type History, type Property, type SystemView } from '@faultline/runtime';
import type { Req, Res, TupleId } from './messages.ts';
import { KEYS } from './directory.ts';
import { firstMatch, owns, type State } from './state.ts';
import { keyOf, type Field } from './tuples.ts';

type View = SystemView<State, Req, Res>;

/** What the take monitor has seen so far in one run. */
interface TakeMonitor extends HistoryCursor {
  /** Every take seen in any node's log, or in an acknowledged in/inp: tuple to taker. */
  takers: Map<TupleId, string>;
  /** Per node, how much of its log has been looked at (and the log it was, to notice a reset). */
  scanned: Map<string, { log: State['log']; length: number }>;
}

/** Where an incremental monitor is in the history: entries looked at, and those still open then. */
interface HistoryCursor {
  next: number;
  open: number[];
}

/** The history entries that finished (are no longer pending) since the cursor last looked; moves it on. */
function newlyFinished(h: History<Req, Res>, cursor: HistoryCursor): number[] {
  const look = [...cursor.open];
  for (; cursor.next < h.length; cursor.next++) look.push(cursor.next);
  cursor.open = [];
  const done: number[] = [];
  for (const i of look) (h[i]!.status === 'pending' ? cursor.open : done).push(i);
  return done;
}

const takeMonitors = new WeakMap<History<Req, Res>, TakeMonitor>();

function record(m: TakeMonitor, id: TupleId, by: string, where: string): string | true {
  const before = m.takers.get(id);
  if (before === undefined) m.takers.set(id, by);
  else if (before !== by) return `tuple ${id} was taken by both ${before} and ${by} (${where})`;
  return true;
}

/**
 * No tuple has two takers: not in any node's committed log (the committed prefixes of all
 * nodes' logs, over the whole run, name one taker per tuple) and not in the client history
 * (no two acknowledged `in` or `inp` returned the same tuple). An uncommitted entry may be
 * replaced by a later sequencer, so only committed ones count.
 */
export const noDoubleTake: Property<State, Req, Res> = always<State, Req, Res>(
  'no-double-take',
  'no tuple is taken by two different in/inp requests, in any committed log or in the answers clients got',
  (view: View) => {
    let m = takeMonitors.get(view.history);
    if (m === undefined) takeMonitors.set(view.history, (m = { takers: new Map(), scanned: new Map(), next: 0, open: [] }));
    for (const n of view.nodes) {
      const log = n.state?.log;
      if (log === undefined) continue;
      const commit = n.state!.commit;
      const seen = m.scanned.get(n.id);
      let from = seen !== undefined && seen.length <= commit && (seen.log === log || log[seen.length - 1] === seen.log[seen.length - 1]) ? seen.length : 0;
      for (; from < commit; from++) {
        const e = log[from]!;
        if (e.kind !== 'take') continue;
        const ok = record(m, e.id, e.by, `in the committed log of ${n.id}`);
        if (ok !== true) return ok;
      }
      m.scanned.set(n.id, { log, length: commit });
    }
    const h = view.history;
    for (const i of newlyFinished(h, m)) {
      const op = h[i]!;
      if (op.status !== 'ok' || (op.req.type !== 'in' && op.req.type !== 'inp') || op.result?.type !== 'tuple') continue;
      const ok = record(m, op.result.id, op.id, `answered to the client by ${op.node}`);
      if (ok !== true) return ok;
    }
    return true;
  },
);

interface ReplicaMemory {
  incarnation: number;
  state: State | undefined;
  taken: Set<TupleId>;
}

const takenMonitors = new WeakMap<History<Req, Res>, Map<string, ReplicaMemory>>();

/**
 * Once a replica knows a tuple was taken, the tuple is never present (readable) there
 * again. "Knows" is measured from the replica's last restart: with Ken, a node that
 * crashes comes back in the state of its last durable turn, so turns it ran but had not
 * yet made durable (whose messages and replies were never released, so nobody saw them)
 * are undone, and it learns those takes again from the log. The memory of a node is
 * therefore dropped whenever it is seen down.
 */
export const takenNeverReappears: Property<State, Req, Res> = always<State, Req, Res>(
  'taken-never-reappears',
  'once a replica has learned that a tuple was taken, no rd, rdp or in can find it there again',
  (view: View) => {
    let memory = takenMonitors.get(view.history);
    if (memory === undefined) takenMonitors.set(view.history, (memory = new Map()));
    for (const n of view.nodes) {
      const s = n.state;
      if (s === undefined || !n.up) {
        memory.delete(n.id);
        continue;
      }
      let m = memory.get(n.id);
      if (m === undefined || m.incarnation !== s.incarnation) memory.set(n.id, (m = { incarnation: s.incarnation, state: undefined, taken: new Set() }));
      if (m.state === s) continue;
      for (const id of m.taken) if (s.tuples[id] !== undefined && s.taken[id] === undefined) return `tuple ${id} was taken, as ${n.id} knew, and is present there again`;
      for (const id in s.taken) m.taken.add(id);
      m.state = s;
    }
    return true;
  },
);

/** The live nodes that are replicas (admitted, and not left). */
const liveReplicas = (view: View) => liveStates(view).filter((r) => r.state.partition !== '' && r.state.leaving !== 'left');

/** The live replicas of each partition. */
function byPartition(view: View): Map<string, { id: string; state: State }[]> {
  const out = new Map<string, { id: string; state: State }[]>();
  for (const r of liveReplicas(view)) {
    const list = out.get(r.state.partition) ?? [];
    list.push(r);
    out.set(r.state.partition, list);
  }
  return out;
}

const sortedKeys = (o: object): string => Object.keys(o).sort().join(',');

/** The committed part of a replica's log, as text. */
const committed = (s: State): string => JSON.stringify(s.log.slice(0, s.commit));

/**
 * Where the live partitions' intervals (each as its first live replica says) fail to
 * cover the key space exactly once, or a merged partition that has not finished handing
 * over; true if they tile it.
 */
export function intervalsTile(partitions: ReadonlyMap<string, readonly { id: string; state: State }[]>): string | true {
  const parts: { p: string; lo: number; hi: number }[] = [];
  for (const [p, reps] of partitions) {
    const s = reps[0]!.state;
    if (s.into !== null) return `partition ${p} was merged into ${s.into} but ${reps[0]!.id} has not finished handing it over`;
    parts.push({ p, lo: s.lo, hi: s.hi });
  }
  parts.sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  let at = 0;
  for (const { p, lo, hi } of parts) {
    if (lo > at) return `no partition holds the keys from ${at} to ${lo}`;
    if (lo < at) return `partition ${p} holds keys from ${lo} that another partition holds too`;
    at = hi;
  }
  return at === KEYS ? true : `no partition holds the keys from ${at} to ${KEYS}`;
}

/**
 * After healing, the live partitions' intervals cover the key space exactly once; the
 * replicas of each partition hold the same tuples and the same committed log, and every
 * acknowledged out is held by every replica whose interval holds its key (so an out
 * acknowledged by a node that has since left, or before its key moved to another
 * partition, was handed over); every live node is a replica of some partition (a joiner
 * has been admitted) or has left.
 */
export const weakOpsConverge: Property<State, Req, Res> = eventually<State, Req, Res>(
  'weak-ops-converge',
  'after healing and the quiet period, every live node is a replica or has left, the live partitions hold every key once, the live replicas of each partition hold the same tuples and the same committed log, and every acknowledged out is held by every replica whose interval holds it',
  (view: View) => {
    for (const r of liveStates(view)) if (r.state.partition === '' && r.state.leaving !== 'left') return `${r.id} has not been admitted as a replica`;
    const partitions = byPartition(view);
    const tiled = intervalsTile(partitions);
    if (tiled !== true) return tiled;
    for (const [p, reps] of partitions) {
      const first = reps[0]!;
      const tuples = sortedKeys(first.state.tuples);
      const log = committed(first.state);
      for (const r of reps.slice(1)) {
        if (sortedKeys(r.state.tuples) !== tuples) return `partition ${p}: ${first.id} and ${r.id} hold different tuples`;
        if (committed(r.state) !== log) {
          const a = first.state.log.slice(0, first.state.commit);
          const b = r.state.log.slice(0, r.state.commit);
          const at = b.findIndex((e, i) => JSON.stringify(a[i]) !== JSON.stringify(e));
          return `partition ${p}: the committed logs of ${first.id} (${a.length} entries) and ${r.id} (${b.length}) differ from entry ${at < 0 ? Math.min(a.length, b.length) : at}`;
        }
      }
    }
    const live = liveReplicas(view);
    for (const op of view.history) {
      if (op.status !== 'ok' || op.req.type !== 'out') continue;
      for (const r of live) {
        if (owns(r.state, keyOf(op.req.tuple[0])) && r.state.tuples[op.id] === undefined)
          return `out ${op.id} was acknowledged by ${op.node} but ${r.id}, a replica of the partition that holds its key, does not have it`;
      }
    }
    return true;
  },
);

/**
 * After healing, no `in` waits at a sequencer, and no `rd` at a replica, while a tuple it
 * matches is present there (and, the logs having converged, in the partition).
 */
export const blockedServed: Property<State, Req, Res> = eventually<State, Req, Res>(
  'blocked-served',
  'after healing and the quiet period, no in waits at its sequencer, and no rd at its replica, while a matching tuple is present there',
  (view: View) => {
    for (const r of liveStates(view)) {
      for (const [kind, list] of [['in', r.state.blocked], ['rd', r.state.reads]] as const)
        for (const w of list) {
          const match = firstMatch(r.state, w.template);
          if (match !== undefined) return `${kind} ${w.requestId} (${JSON.stringify(w.template)}) still waits at ${r.id} although tuple ${match} matches it`;
        }
    }
    return true;
  },
);

/** What the answer monitor has seen so far in one run: the tuples written, and where it is in the history. */
interface AnswerMonitor extends HistoryCursor {
  written: Map<TupleId, string>;
}

const answerMonitors = new WeakMap<History<Req, Res>, AnswerMonitor>();

/**
 * The property's own reading of "a tuple fits a template" (same arity; every non-wildcard
 * field equal), written apart from the service's matcher on purpose: a property that
 * called the protocol's `matches` would share its mistakes (`npm run mutate` showed a
 * matcher skipping the first field blinding this property).
 */
function fitsTemplate(template: readonly (Field | null)[], tuple: readonly Field[]): boolean {
  return template.length === tuple.length && template.every((field, i) => field === null || field === tuple[i]);
}

/**
 * Every tuple a client got back from rd, rdp, in or inp matches the template it asked
 * with, and is the tuple that its id's `out` wrote (field for field). Read from the client
 * history alone, incrementally.
 */
export const answersMatch: Property<State, Req, Res> = always<State, Req, Res>(
  'answers-match',
  'every tuple returned by rd, rdp, in or inp matches its template and is exactly the tuple its out wrote',
  (view: View) => {
    let m = answerMonitors.get(view.history);
    if (m === undefined) answerMonitors.set(view.history, (m = { written: new Map(), next: 0, open: [] }));
    const h = view.history;
    for (let i = m.next; i < h.length; i++) {
      const op = h[i]!;
      if (op.req.type === 'out') m.written.set(op.id, JSON.stringify(op.req.tuple)); // an out's id is its tuple's id
    }
    for (const i of newlyFinished(h, m)) {
      const op = h[i]!;
      if (op.status !== 'ok' || op.req.type === 'out' || op.result?.type !== 'tuple') continue;
      const { template } = op.req;
      const got = op.result.tuple;
      if (!fitsTemplate(template, got)) return `${op.id} (${op.req.type} ${JSON.stringify(template)}) got tuple ${op.result.id} ${JSON.stringify(got)}, which does not match its template`;
      const wrote = m.written.get(op.result.id);
      if (wrote !== undefined && wrote !== JSON.stringify(got)) return `${op.id} got tuple ${op.result.id} as ${JSON.stringify(got)}, but its out wrote ${wrote}`;
    }
    return true;
  },
);

export const properties: readonly Property<State, Req, Res>[] = [noDoubleTake, takenNeverReappears, weakOpsConverge, blockedServed, answersMatch];
