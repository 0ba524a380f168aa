import type { TraceRecord } from './trace.ts';
import { isSend, laneOf } from './trace-lanes.ts';
import { vectorClocks, type VectorClock } from './vector-clocks.ts';

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
 * Of a run's full trace, only the records that happened-before its violation, plus the
 * faults that cut messages that matter. Undefined when the trace holds no violation.
 *
 * What the violation is seen on (its sinks, the roots of the slice): the records the
 * property read, as far as the trace and the message tell them.
 * - The records of the simulation event after which the property failed (the turn,
 *   delivery or fault that broke it: the state the property saw change), and the last
 *   record of each client operation its message names (a `c3:30` in "put c3:30 was
 *   acknowledged...": the operation the property judged, and by way of its reply the node
 *   that answered).
 * - When neither gives a record on a lane (an `eventually` property, checked at
 *   quiescence, whose message names no operation), the last record of each node the
 *   message names as a word (`n3` in "n3 (seq 2) and n1 (seq 2) have different stores",
 *   also inside `1.n1.1` or `n3#1`): the states the property compared.
 * - When the message names no node either, the last record of every lane: the whole run
 *   up to the violation.
 * Other roots change little (docs/simulator.md has the figures): a node's turn that hears
 * heartbeats from every node has almost the whole run before it, and dropping the
 * violating event's records for the named ones would lose the turn that broke the property.
 *
 * A record is in the slice when it is a sink or happened-before one, by vector clocks
 * (`vectorClocks`: send before receipt, a lane's own order, a node's turns across crashes,
 * a timer after the turns of its node, a client's request before its reply). Then the
 * faults that cut messages that matter are added: a drop or the duplicate of a message
 * sent in the slice, the partition in force when it was dropped for a partition, the crash
 * that had its receiver down, and every crash and pause, before the violation, of a node
 * that has records in the slice (a crashed node's silence is what others time out on).
 */
export function causalSlice(trace: readonly TraceRecord[]): CausalSlice | undefined {
  const violation = trace.findIndex((r) => r.k === 'violation');
  if (violation < 0) return undefined;
  const v = trace[violation]!;
  const clocks = vectorClocks(trace);
  const sinks = sinksOf(trace, violation, v.k === 'violation' ? v.message : '', clocks);
  // A lane record happened-before (or is) a sink exactly when its own entry is at most the
  // sinks' merged clock's entry for its lane.
  const frontier: Record<string, number> = {};
  for (const s of sinks) for (const [lane, n] of Object.entries(clocks[s]!)) if (n > (frontier[lane] ?? 0)) frontier[lane] = n;
  const inSlice = new Set<number>();
  for (let k = 0; k < violation; k++) {
    const lane = laneOf(trace[k]!);
    if (lane !== undefined && clocks[k]![lane]! <= (frontier[lane] ?? 0)) inSlice.add(k);
  }
  for (const k of cuttingFaults(trace, violation, inSlice)) inSlice.add(k);
  inSlice.add(violation);
  return { records: [...inSlice].sort((a, b) => a - b), sinks, violation };
}

/** The sinks of `causalSlice`, as positions in `trace`, ascending. */
function sinksOf(trace: readonly TraceRecord[], violation: number, message: string, clocks: readonly (VectorClock | undefined)[]): number[] {
  const event = trace[violation]!.i;
  const sinks = new Set<number>();
  for (let k = violation - 1; k >= 0 && trace[k]!.i === event; k--) if (clocks[k] !== undefined) sinks.add(k);
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
      if (lane !== undefined) last.set(lane, k);
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
  for (const k of slice) {
    const r = trace[k]!;
    if (isSend(r)) sent.add(r.m);
    if (r.k !== 'fault' && 'node' in r && typeof r.node === 'string') nodes.add(r.node);
    if (r.k === 'deliver') nodes.add(r.to);
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
    } else if ((r.k === 'drop' || r.k === 'dup') && sent.has(r.m)) {
      out.push(k);
      if (r.k === 'drop' && r.reason === 'partition' && partition >= 0) out.push(partition);
      if (r.k === 'drop' && r.reason === 'down' && lastCrash.has(r.to)) out.push(lastCrash.get(r.to)!);
    }
  }
  return out;
}
