import type { TraceRecord } from './trace.ts';
import { isReceive, isSend, laneOf } from './trace-lanes.ts';

/** A vector clock: for each lane (node or client), how many of its events happened before or at this one. */
export type VectorClock = Readonly<Record<string, number>>;

/**
 * The vector clock of every trace record (undefined for records on no lane: configuration,
 * partitions, quiescence, the violation). Each record on a lane is one event there: its
 * lane's own entry goes up by one. A record that takes a message in (delivery, request,
 * completion, stale reply) first merges the clock its send had (entry-wise maximum); a
 * duplicate delivery merges the same send clock again. A message dropped on arrival (the
 * receiver was down) is not taken in: no merge.
 *
 * Crashes: a lane is one process for clock purposes, so a node's clock carries on across a
 * crash and restart. The restarted incarnation's events happen after the crash on the same
 * lane, and messages it sent before the crash that arrive later still order their receipt
 * after their send. (The clock is the observer's bookkeeping, not something the node keeps.)
 */
export function vectorClocks(records: readonly TraceRecord[]): (VectorClock | undefined)[] {
  const current = new Map<string, Record<string, number>>();
  const sent = new Map<number, VectorClock>();
  return records.map((r) => {
    const lane = laneOf(r);
    if (lane === undefined) return undefined;
    let clock = current.get(lane);
    if (clock === undefined) current.set(lane, (clock = {}));
    if (isReceive(r)) {
      const at = sent.get(r.m);
      if (at !== undefined) for (const [k, v] of Object.entries(at)) if (v > (clock[k] ?? 0)) clock[k] = v;
    }
    clock[lane] = (clock[lane] ?? 0) + 1;
    const snapshot: VectorClock = { ...clock };
    if (isSend(r)) sent.set(r.m, snapshot);
    return snapshot;
  });
}

/** Whether the event with clock `a` happened before the one with clock `b`. */
export function happenedBefore(a: VectorClock, b: VectorClock): boolean {
  let strictly = false;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k] ?? 0;
    const y = b[k] ?? 0;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}
