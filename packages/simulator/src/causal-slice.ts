import type { TraceRecord } from './trace.ts';
import { isReceive, isSend, laneOf } from './trace-lanes.ts';

/**
 * The causal slice of a failed run: the trace records the violation depends on, positions
 * (0-based, as in `replay --out`'s JSON lines) in ascending order, the violation last.
 */
export interface CausalSlice {
  /** Every record of the slice. */
  readonly records: readonly number[];
  /** The records the violation was seen on (see `causalSlice`); each is in `records`. */
  readonly sinks: readonly number[];
  /** The violation record's position. */
  readonly violation: number;
}

/**
 * Of a run's full trace, only the records the violation depends on, plus the faults that
 * cut messages that matter. Undefined when the trace holds no violation.
 *
 * What the violation is seen on (its sinks, the roots of the slice): the records the
 * property read, as far as the trace and the message tell them.
 * - The records of the simulation event after which the property failed (the turn,
 *   delivery or fault that broke it: the state the property saw change), and the last
 *   record of each client operation its message names (a `c3:30` in "put c3:30 was
 *   acknowledged...": the operation the property judged, and by way of its reply the node
 *   that answered).
 * - When neither gives a record on a lane (an `eventually` property, checked at
 *   quiescence, whose message names no operation), the last state of each node the
 *   message names as a word (`n3` in "n3 (seq 2) and n1 (seq 2) have different stores",
 *   also inside `1.n1.1` or `n3#1`): the states the property compared.
 * - When the message names no node either, the last state of every lane.
 *
 * A record is in the slice when it is a sink or a sink depends on it (`dependencies`):
 * happened-before (vector clocks: `vectorClocks`) narrowed to what can carry an effect.
 * A receipt depends on its message's send; a turn on the last record before it that changed
 * its lane's state (`changesState`), so a turn that changed nothing (a tick that found
 * nothing to do) orders nothing after it, and a send orders nothing after it on its own
 * lane: only its receipt depends on it. Then the faults that cut messages that matter are
 * added: a drop or the duplicate of a message sent in the slice, the drop of a message to a
 * lane of the slice that goes on in the slice after it (it went on without the message),
 * the partition in force when it was dropped for a partition, the crash that had its
 * receiver down, and every crash and pause, before the violation, of a node that has
 * records in the slice (a crashed node's silence is what others time out on).
 */
export function causalSlice(trace: readonly TraceRecord[]): CausalSlice | undefined {
  const violation = trace.findIndex((r) => r.k === 'violation');
  if (violation < 0) return undefined;
  const v = trace[violation]!;
  const deps = dependencies(trace, violation);
  const sinks = sinksOf(trace, violation, v.k === 'violation' ? v.message : '');
  const inSlice = new Set<number>();
  const todo = [...sinks];
  while (todo.length > 0) {
    const k = todo.pop()!;
    if (inSlice.has(k)) continue;
    inSlice.add(k);
    for (const d of deps[k]!) todo.push(d);
  }
  for (const k of cuttingFaults(trace, violation, inSlice)) inSlice.add(k);
  inSlice.add(violation);
  return { records: [...inSlice].sort((a, b) => a - b), sinks, violation };
}

/**
 * Whether a lane record changes what its lane holds, so that whatever the lane does later
 * depends on it: a node's start, state change and fault, a client's operation begun,
 * completed, timed out or given up. Not: a message taken in or a timer fired (the turn's
 * `state` record says whether it changed anything), what the lane sends, logs or loses,
 * nor a durable write under Ken (only a restart reads it back: see `dependencies`).
 */
export function changesState(r: TraceRecord): boolean {
  switch (r.k) {
    case 'start':
    case 'state':
    case 'fault':
    case 'invoke':
    case 'complete':
    case 'timeout':
    case 'give-up':
      return true;
    default:
      return false;
  }
}

/**
 * For each record before `violation`, the records it depends on directly. A lane's records
 * of one simulation event are one turn, begun by its first record (the origin: what came
 * in, the timer, the start, the fault). The origin depends on the last record before it
 * that changed its lane's state, and a receipt also on its message's send; every other
 * record of the turn (its state change, its sends) depends on the origin, and what the turn
 * sent on its state change too: the turn's step of the story shows what it changed along
 * with what it sent (one record, where a turn changed something). A durable write
 * (Ken) releases what the turns since the last one sent, so it depends on their origins
 * too, and a node's start on its last durable write (what a restart recovers).
 */
function dependencies(trace: readonly TraceRecord[], violation: number): number[][] {
  const deps: number[][] = trace.map(() => []);
  const lastChange = new Map<string, number>();
  const turn = new Map<string, { i: number; origin: number; state?: number }>();
  /** Origins since the last durable write, per lane. */
  const unreleased = new Map<string, number[]>();
  const lastDurable = new Map<string, number>();
  const sendOf = new Map<number, number>();
  for (let k = 0; k < violation; k++) {
    const r = trace[k]!;
    const lane = laneOf(r);
    if (lane === undefined) continue;
    const open = turn.get(lane);
    if (open !== undefined && open.i === r.i) {
      deps[k]!.push(open.origin);
      if (open.state !== undefined) deps[k]!.push(open.state);
      if (r.k === 'state') open.state = k;
    } else {
      turn.set(lane, { i: r.i, origin: k });
      const before = lastChange.get(lane);
      if (before !== undefined) deps[k]!.push(before);
      let origins = unreleased.get(lane);
      if (origins === undefined) unreleased.set(lane, (origins = []));
      if (r.k === 'durable') deps[k]!.push(...origins.splice(0));
      else origins.push(k);
    }
    if (isReceive(r) && sendOf.has(r.m)) deps[k]!.push(sendOf.get(r.m)!);
    if (r.k === 'start' && lastDurable.has(lane)) deps[k]!.push(lastDurable.get(lane)!);
    if (r.k === 'durable') lastDurable.set(lane, k);
    if (isSend(r)) sendOf.set(r.m, k);
    if (changesState(r)) lastChange.set(lane, k);
  }
  return deps;
}

/** The sinks of `causalSlice`, as positions in `trace`, ascending. */
function sinksOf(trace: readonly TraceRecord[], violation: number, message: string): number[] {
  const event = trace[violation]!.i;
  const sinks = new Set<number>();
  for (let k = violation - 1; k >= 0 && trace[k]!.i === event; k--) if (laneOf(trace[k]!) !== undefined) sinks.add(k);
  const named = namedOperations(trace, violation, message);
  const lastOf = new Map<string, number>();
  for (let k = 0; k < violation; k++) {
    const r = trace[k]!;
    if ('id' in r && 'client' in r && named.has(r.id) && laneOf(r) === r.client) lastOf.set(r.id, k);
  }
  for (const k of lastOf.values()) sinks.add(k);
  if (sinks.size === 0) {
    const last = new Map<string, number>();
    for (let k = 0; k < violation; k++) {
      const lane = laneOf(trace[k]!);
      if (lane !== undefined && changesState(trace[k]!)) last.set(lane, k);
    }
    const nodes = namedNodes(trace, message);
    const roots = [...last].filter(([lane]) => nodes.has(lane));
    for (const [, k] of roots.length > 0 ? roots : last) sinks.add(k);
  }
  return [...sinks].sort((a, b) => a - b);
}

/** The node ids of the run (its config record's) that `message` names as words: split at every character but letters, digits and `_`. */
function namedNodes(trace: readonly TraceRecord[], message: string): Set<string> {
  const config = trace.find((r) => r.k === 'config');
  const ids = new Set(config?.k === 'config' ? config.nodes.map((n) => n.id) : []);
  return new Set((message.match(/[A-Za-z0-9_]+/g) ?? []).filter((w) => ids.has(w)));
}

/** The request ids of the run that `message` names as whole words. */
function namedOperations(trace: readonly TraceRecord[], violation: number, message: string): Set<string> {
  const ids = new Set<string>();
  for (let k = 0; k < violation; k++) {
    const r = trace[k]!;
    if (r.k === 'invoke') ids.add(r.id);
  }
  const named = new Set<string>();
  for (const word of message.match(/[A-Za-z0-9_:#.-]+/g) ?? []) {
    // The whole word, or what follows one of its colons (raft's log entry `1:c1:15` holds c1:15).
    const whole = word.replace(/[.:]+$/, '');
    for (let at = -1; at < whole.length; at = whole.indexOf(':', at + 1)) {
      const id = whole.slice(at + 1);
      if (ids.has(id)) named.add(id);
      if (whole.indexOf(':', at + 1) < 0) break;
    }
  }
  return named;
}

/** The faults, before `violation`, that cut the messages of the records in `slice` (see `causalSlice`). */
function cuttingFaults(trace: readonly TraceRecord[], violation: number, slice: ReadonlySet<number>): number[] {
  const sent = new Set<number>();
  const nodes = new Set<string>();
  /** Per lane, the last record of it in the slice. */
  const lastOn = new Map<string, number>();
  for (const k of slice) {
    const r = trace[k]!;
    if (isSend(r)) sent.add(r.m);
    if (r.k !== 'fault' && 'node' in r && typeof r.node === 'string') nodes.add(r.node);
    if (r.k === 'deliver') nodes.add(r.to);
    const lane = laneOf(r);
    if (lane !== undefined && k > (lastOn.get(lane) ?? -1)) lastOn.set(lane, k);
  }
  const out: number[] = [];
  let partition = -1;
  const lastCrash = new Map<string, number>();
  for (let k = 0; k < violation; k++) {
    const r = trace[k]!;
    if (r.k === 'fault') {
      const f = r.fault;
      if (f.kind === 'partition' || f.kind === 'oneway') partition = k;
      else if (f.kind === 'heal') partition = -1;
      else if (f.kind === 'crash' || f.kind === 'pause') {
        if (f.kind === 'crash') lastCrash.set(f.node, k);
        if (nodes.has(f.node)) out.push(k);
      }
    } else if (r.k === 'dup' && sent.has(r.m)) out.push(k);
    else if (r.k === 'drop' && (sent.has(r.m) || (lastOn.get(r.to) ?? -1) > k)) {
      // A message whose send is not in the slice matters only as what its receiver went on
      // without: the fault that cut it stands for it (the loss itself, when it was lost).
      if (sent.has(r.m) || r.reason === 'loss') out.push(k);
      if (r.reason === 'partition' && partition >= 0) out.push(partition);
      if (r.reason === 'down' && lastCrash.has(r.to)) out.push(lastCrash.get(r.to)!);
    }
  }
  return out;
}
