import type { TraceRecord } from '@faultline/simulator';

/**
 * A period a fault lasted, in simulated ms: a node down (`crash`, or `disk` when the crash
 * tore the record being written), a node paused, the network partitioned (two-way or
 * one-way). `open` when the run ended before the fault did.
 */
export interface FaultInterval {
  readonly kind: 'crash' | 'disk' | 'pause' | 'partition';
  readonly fromMs: number;
  readonly toMs: number;
  /** The node it hit; undefined for a partition (it hits the whole network). */
  readonly node: string | undefined;
  readonly label: string;
  readonly open: boolean;
}

/**
 * The fault periods of a trace, in the order they began. A crash lasts until the node
 * starts again, a pause until it resumes (or quiescence, which ends all pauses), a
 * partition until the heal, the next partition, or quiescence.
 */
export function faultIntervals(trace: readonly TraceRecord[], endMs: number): FaultInterval[] {
  const out: { at: number; interval: FaultInterval }[] = [];
  const down = new Map<string, { fromMs: number; tear: boolean; at: number }>();
  const paused = new Map<string, { fromMs: number; at: number }>();
  let partition: { fromMs: number; label: string; at: number } | undefined;
  let begun = 0;
  const push = (at: number, interval: FaultInterval) => out.push({ at, interval });
  const endPartition = (t: number, open: boolean) => {
    if (partition) push(partition.at, { kind: 'partition', fromMs: partition.fromMs, toMs: t, node: undefined, label: partition.label, open });
    partition = undefined;
  };
  const endPause = (node: string, t: number, open: boolean) => {
    const p = paused.get(node);
    if (!p) return;
    paused.delete(node);
    push(p.at, { kind: 'pause', fromMs: p.fromMs, toMs: t, node, label: `${node} paused`, open });
  };
  const endDown = (node: string, t: number, open: boolean) => {
    const d = down.get(node);
    if (!d) return;
    down.delete(node);
    push(d.at, { kind: d.tear ? 'disk' : 'crash', fromMs: d.fromMs, toMs: t, node, label: `${node} down${d.tear ? ' (crashed mid-write: torn record)' : ''}`, open });
  };
  for (const r of trace) {
    if (r.k === 'start') endDown(r.node, r.t, false);
    else if (r.k === 'quiesce') {
      endPartition(r.t, false);
      for (const n of [...paused.keys()]) endPause(n, r.t, false);
    } else if (r.k === 'fault') {
      const f = r.fault;
      if (f.kind === 'crash' && !down.has(f.node)) {
        endPause(f.node, r.t, false);
        down.set(f.node, { fromMs: r.t, tear: f.tear === true, at: begun++ });
      } else if (f.kind === 'pause' && !down.has(f.node) && !paused.has(f.node)) paused.set(f.node, { fromMs: r.t, at: begun++ });
      else if (f.kind === 'resume') endPause(f.node, r.t, false);
      else if (f.kind === 'partition' || f.kind === 'oneway') {
        endPartition(r.t, false);
        const label = f.kind === 'partition' ? `partition ${f.groups.map((g) => g.join(',')).join(' | ')}` : `one-way ${f.from.join(',')} → ${f.to.join(',')} lost`;
        partition = { fromMs: r.t, label, at: begun++ };
      } else if (f.kind === 'heal') endPartition(r.t, false);
    }
  }
  for (const n of [...down.keys()]) endDown(n, endMs, true);
  for (const n of [...paused.keys()]) endPause(n, endMs, true);
  endPartition(endMs, true);
  return out.sort((a, b) => a.at - b.at).map((o) => o.interval);
}
