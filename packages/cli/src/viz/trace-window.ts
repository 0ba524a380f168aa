import type { TraceRecord } from '@faultline/simulator';
import { laneOf } from './lanes.ts';

/**
 * The part of a trace `faultline replay --trace` shows when told where to look:
 *
 *   - `nodes`: only records on those nodes' lanes, messages addressed to them, and what
 *     belongs to the whole run (configuration, partitions, quiescence, the violation);
 *   - `around`: an anchor, either a simulation event index (the trace's `#` column) or a
 *     label: `violation`, or a record kind (`crash`, `restart`, `pause`, `partition`,
 *     `timeout`, `give-up`, `drop`, `dup`, `quiesce`, ...) meaning its first occurrence; then
 *     only `window` records either side of it (after the node filter).
 *
 * Returns the records kept, in order, each with its position in the whole trace, so the
 * caller can say where records were left out.
 */
export interface TraceWindow {
  readonly nodes?: readonly string[];
  readonly around?: string;
  /** Records shown either side of the anchor (default DEFAULT_WINDOW). */
  readonly window?: number;
}

export const DEFAULT_WINDOW = 20;

export interface Kept {
  readonly record: TraceRecord;
  /** Position in the whole trace. */
  readonly at: number;
}

export class TraceWindowError extends Error {}

export function windowOf(records: readonly TraceRecord[], w: TraceWindow): Kept[] {
  let kept: Kept[] = records.map((record, at) => ({ record, at }));
  if (w.nodes !== undefined) {
    const want = new Set(w.nodes);
    kept = kept.filter(({ record }) => concerns(record, want));
  }
  if (w.around === undefined) return kept;
  const anchor = anchorOf(records, w.around);
  // The anchor, or the first kept record after it when the node filter left it out.
  let pos = kept.findIndex((k) => k.at >= anchor);
  if (pos < 0) pos = kept.length - 1;
  const k = w.window ?? DEFAULT_WINDOW;
  return kept.slice(Math.max(0, pos - k), pos + k + 1);
}

function concerns(r: TraceRecord, nodes: ReadonlySet<string>): boolean {
  const lane = laneOf(r);
  if (lane === undefined) return true;
  if (nodes.has(lane)) return true;
  return (r.k === 'send' || r.k === 'drop' || r.k === 'dup') && nodes.has(r.to);
}

/** The trace position that `around` names. */
export function anchorOf(records: readonly TraceRecord[], around: string): number {
  if (/^\d+$/.test(around)) {
    const i = Number(around);
    const at = records.findIndex((r) => r.i >= i);
    if (at < 0) throw new TraceWindowError(`--around ${around}: the trace ends at event ${records[records.length - 1]?.i ?? 0}`);
    return at;
  }
  const at = records.findIndex((r) => r.k === around || (r.k === 'fault' && r.fault.kind === around) || (r.k === 'start' && around === 'restart' && r.incarnation > 1));
  if (at >= 0) return at;
  const kinds = [...new Set(records.map((r) => (r.k === 'fault' ? r.fault.kind : r.k)))].sort();
  throw new TraceWindowError(`--around ${around}: no such record in this trace; give an event index or one of: ${kinds.join(', ')}`);
}
