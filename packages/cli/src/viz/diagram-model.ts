import type { SimResult, TraceRecord, Violation } from '@faultline/simulator';
import { lanesOf, laneOf } from './lanes.ts';
import { bodyOf, destinationOf, isReceive, isSend } from './messages.ts';
import { toPlain } from './json-safe.ts';
import { storeStates, type StoredState } from './state-diff.ts';
import { turnStates } from './turn-states.ts';

/**
 * What the space-time diagram page draws, as plain data: lanes (nodes, then clients),
 * events in trace order each in its own column, message arrows, regions (a node down or
 * paused, the network partitioned), run-wide marks, and every node state a turn saw or
 * left, numbered once each.
 */
export interface DiagramModel {
  readonly title: string;
  readonly protocol: string;
  readonly seed: string;
  readonly bug: string | null;
  readonly violation: (Violation & { readonly column: number }) | null;
  readonly endMs: number;
  readonly lanes: readonly DiagramLane[];
  readonly events: readonly DiagramEvent[];
  readonly arrows: readonly DiagramArrow[];
  readonly regions: readonly DiagramRegion[];
  readonly marks: readonly DiagramMark[];
  /** Node states, each stored as changes from the same node's previous one (see state-diff.ts). */
  readonly states: readonly StoredState[];
  /** Message bodies by message id. */
  readonly messages: Readonly<Record<number, { from: string; to: string; body: unknown; send: number }>>;
  readonly columns: number;
  /**
   * Record indices (`i`) to highlight, everything else faded: a causal slice of the run, say.
   * Null when nothing is singled out.
   */
  readonly highlight: readonly number[] | null;
}

export interface DiagramLane {
  readonly id: string;
  readonly kind: 'node' | 'client';
}

export interface DiagramEvent {
  /** Column (x position, in columns). */
  readonly c: number;
  /** Lane index. */
  readonly l: number;
  /** Trace record kind, or `crash`, `restart`, `pause`, `resume`, `skew` for a node's fault. */
  readonly k: string;
  /** Simulated time (ms) and simulation event index. */
  readonly t: number;
  readonly i: number;
  /** Text, as the terminal trace shows it. */
  readonly s: string;
  /** The record (without state attachments). */
  readonly r: TraceRecord;
  /** State before and after the turn (index into `states`, -1 for none). */
  readonly b: number;
  readonly a: number;
  /** Message id, for sends, receipts, drops and duplicates. */
  readonly m?: number;
}

export interface DiagramArrow {
  /** Event index of the send. */
  readonly from: number;
  /** Event index where it arrived (or was dropped on arrival); -1 when lost on the way. */
  readonly to: number;
  readonly toLane: number;
  /** `msg`, `dup` (a second delivery), `dropped` (lost on the way), `dropped-down` (the receiver was down). */
  readonly kind: 'msg' | 'dup' | 'dropped' | 'dropped-down';
  readonly m: number;
}

export interface DiagramRegion {
  /** Lane index, or -1 for the whole run (partitions). */
  readonly l: number;
  readonly kind: 'down' | 'paused' | 'partition';
  /** Columns where it starts and ends. */
  readonly c0: number;
  readonly c1: number;
  readonly label: string;
}

export interface DiagramMark {
  readonly c: number;
  readonly kind: 'partition' | 'heal' | 'quiesce' | 'violation';
  readonly s: string;
  readonly t: number;
  readonly i: number;
}

/** The diagram of a run made with `trace: 'full'`; `describe` gives each record's text, in order. */
export function diagramModel(result: SimResult, describe: (r: TraceRecord) => string, highlight?: Iterable<number>): DiagramModel {
  const records = result.trace ?? [];
  const { nodes, clients } = lanesOf(records);
  const lanes: DiagramLane[] = [...nodes.map((id) => ({ id, kind: 'node' as const })), ...clients.map((id) => ({ id, kind: 'client' as const }))];
  const laneIndex = new Map(lanes.map((l, k) => [l.id, k]));
  const turns = turnStates(records, new Set(nodes));
  const events: DiagramEvent[] = [];
  const arrows: DiagramArrow[] = [];
  const regions: DiagramRegion[] = [];
  const marks: DiagramMark[] = [];
  const messages: Record<number, { from: string; to: string; body: unknown; send: number }> = {};
  const requests = new Map<string, unknown>();
  const sendEvent = new Map<number, number>();
  const delivered = new Set<number>();
  const downSince = new Map<number, number>();
  const pausedSince = new Map<number, number>();
  let partition: { c0: number; label: string } | undefined;
  let violationColumn = -1;
  let column = 0;
  const closeRegion = (open: Map<number, number>, l: number, kind: 'down' | 'paused', c1: number, label: string) => {
    const c0 = open.get(l);
    if (c0 === undefined) return;
    open.delete(l);
    regions.push({ l, kind, c0, c1, label });
  };
  for (const n of nodes) downSince.set(laneIndex.get(n)!, 0);

  records.forEach((rec, k) => {
    const text = describe(rec);
    if (rec.k === 'invoke') requests.set(rec.id, rec.req);
    if (rec.k === 'state' || rec.k === 'config') return; // a state change shows on its turn's events
    const laneId = laneOf(rec);
    const c = column++;
    if (laneId === undefined) {
      if (rec.k === 'fault' && (rec.fault.kind === 'partition' || rec.fault.kind === 'oneway')) {
        if (partition !== undefined) regions.push({ l: -1, kind: 'partition', c0: partition.c0, c1: c, label: partition.label });
        partition = { c0: c, label: text.replace(/^FAULT /, '') };
        marks.push({ c, kind: 'partition', s: text, t: rec.t, i: rec.i });
      } else if (rec.k === 'fault' || rec.k === 'quiesce') {
        if (partition !== undefined) regions.push({ l: -1, kind: 'partition', c0: partition.c0, c1: c, label: partition.label });
        partition = undefined;
        marks.push({ c, kind: rec.k === 'quiesce' ? 'quiesce' : 'heal', s: text, t: rec.t, i: rec.i });
        if (rec.k === 'quiesce') for (const l of [...pausedSince.keys()]) closeRegion(pausedSince, l, 'paused', c, 'paused');
      } else if (rec.k === 'violation') {
        violationColumn = c;
        marks.push({ c, kind: 'violation', s: text, t: rec.t, i: rec.i });
      }
      return;
    }
    const l = laneIndex.get(laneId)!;
    const kind = rec.k === 'fault' ? rec.fault.kind : rec.k;
    const { state: _state, ...clean } = rec as TraceRecord & { state?: unknown };
    const ev: DiagramEvent = {
      c,
      l,
      k: kind,
      t: rec.t,
      i: rec.i,
      s: text,
      r: clean as TraceRecord,
      b: turns.before[k]!,
      a: turns.after[k]!,
      ...('m' in rec ? { m: rec.m } : {}),
    };
    const e = events.length;
    events.push(ev);
    if (isSend(rec)) {
      sendEvent.set(rec.m, e);
      messages[rec.m] = { from: laneId, to: destinationOf(rec), body: bodyOf(rec, requests), send: e };
    } else if (isReceive(rec) || (rec.k === 'drop' && rec.reason === 'down')) {
      const from = sendEvent.get(rec.m);
      if (from !== undefined) {
        const kindOf = rec.k === 'drop' ? 'dropped-down' : delivered.has(rec.m) ? 'dup' : 'msg';
        arrows.push({ from, to: e, toLane: l, kind: kindOf, m: rec.m });
        if (rec.k !== 'drop') delivered.add(rec.m);
      }
    } else if (rec.k === 'drop') {
      const from = sendEvent.get(rec.m);
      const to = laneIndex.get(rec.to);
      if (from !== undefined && to !== undefined) arrows.push({ from, to: -1, toLane: to, kind: 'dropped', m: rec.m });
    }
    if (rec.k === 'start') closeRegion(downSince, l, 'down', c, 'down');
    if (rec.k === 'fault') {
      const f = rec.fault;
      if (f.kind === 'crash' && !downSince.has(l)) {
        closeRegion(pausedSince, l, 'paused', c, 'paused');
        downSince.set(l, c);
      } else if (f.kind === 'pause' && !downSince.has(l) && !pausedSince.has(l)) pausedSince.set(l, c);
      else if (f.kind === 'resume') closeRegion(pausedSince, l, 'paused', c, 'paused');
    }
  });
  for (const l of [...downSince.keys()]) closeRegion(downSince, l, 'down', column, 'down');
  for (const l of [...pausedSince.keys()]) closeRegion(pausedSince, l, 'paused', column, 'paused');
  if (partition !== undefined) regions.push({ l: -1, kind: 'partition', c0: partition.c0, c1: column, label: partition.label });

  const v = result.violation;
  return {
    title: `${result.protocol} seed ${result.seed}${result.bug !== undefined ? ` (bug ${result.bug})` : ''}`,
    protocol: result.protocol,
    seed: result.seed,
    bug: result.bug ?? null,
    violation: v === undefined ? null : { ...v, column: violationColumn },
    endMs: result.endMs,
    lanes,
    events,
    arrows,
    regions,
    marks,
    states: storeStates(turns.states.map(toPlain), turns.parents),
    messages,
    columns: column,
    highlight: highlight === undefined ? null : [...new Set(highlight)].sort((a, b) => a - b),
  };
}
