import type { TraceRecord } from '@faultline/simulator';
import { showJson } from '../../format.ts';
import { lanesOf } from '../lanes.ts';
import { faultIntervals, type FaultInterval } from './fault-intervals.ts';

/**
 * How an operation ended, in Jepsen's words: `ok` it completed, `fail` it completed with a
 * result saying it did not take effect (a result whose `type` ends in `-fail`, such as
 * `cas-fail`, or that has an `error`), `timeout` the client gave up on it, `info` it was
 * still open when the run ended (its effect unknown).
 */
export type Outcome = 'ok' | 'fail' | 'info' | 'timeout';
export const OUTCOMES: readonly Outcome[] = ['ok', 'fail', 'timeout', 'info'];

export interface PlotOp {
  readonly id: string;
  readonly client: string;
  readonly invokeMs: number;
  /** When it completed or was given up; the run's end for an open (`info`) operation. */
  readonly endMs: number;
  readonly outcome: Outcome;
  /** The request and result, as text for the tooltip. */
  readonly text: string;
}

/** What the run plots draw, read from a trace alone (so a saved trace plots the same as a replay). */
export interface RunPlotData {
  readonly title: string;
  readonly endMs: number;
  readonly violation: { readonly atMs: number; readonly property: string } | undefined;
  readonly nodes: readonly string[];
  readonly clients: readonly string[];
  readonly ops: readonly PlotOp[];
  readonly faults: readonly FaultInterval[];
  /** Per message a node sent: [node, time]; per message lost: [sender, time] (a client's request too). */
  readonly sends: readonly (readonly [string, number])[];
  readonly drops: readonly (readonly [string, number])[];
}

export function runPlotData(trace: readonly TraceRecord[]): RunPlotData {
  const config = trace.find((r) => r.k === 'config');
  const title = config?.k === 'config' ? `${config.protocol} seed ${config.seed}${config.bug !== null ? ` (bug ${config.bug})` : ''}` : 'a run';
  const endMs = trace.reduce((m, r) => Math.max(m, r.t), 0);
  const { nodes, clients } = lanesOf(trace);
  const open = new Map<string, { client: string; invokeMs: number; req: unknown }>();
  const ops: PlotOp[] = [];
  const sends: [string, number][] = [];
  const drops: [string, number][] = [];
  let violation: RunPlotData['violation'];
  const finish = (id: string, t: number, outcome: Outcome, result?: unknown) => {
    const o = open.get(id);
    if (o === undefined) return;
    open.delete(id);
    const text = `${id} ${showJson(o.req)}${result !== undefined ? ` → ${showJson(result)}` : ''} (${outcome})`;
    ops.push({ id, client: o.client, invokeMs: o.invokeMs, endMs: t, outcome, text });
  };
  for (const r of trace) {
    if (r.k === 'invoke') open.set(r.id, { client: r.client, invokeMs: r.t, req: r.req });
    else if (r.k === 'complete') finish(r.id, r.t, failed(r.result) ? 'fail' : 'ok', r.result);
    else if (r.k === 'give-up') finish(r.id, r.t, 'timeout');
    else if (r.k === 'send') sends.push([r.node, r.t]);
    else if (r.k === 'drop') drops.push([r.from, r.t]);
    else if (r.k === 'violation' && violation === undefined) violation = { atMs: r.t, property: r.property };
  }
  for (const id of [...open.keys()]) finish(id, endMs, 'info');
  ops.sort((a, b) => a.invokeMs - b.invokeMs || a.id.localeCompare(b.id, 'en', { numeric: true }));
  return { title, endMs, violation, nodes, clients, ops, faults: faultIntervals(trace, endMs), sends, drops };
}

function failed(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const r = result as { type?: unknown; error?: unknown };
  return (typeof r.type === 'string' && r.type.endsWith('-fail')) || r.error !== undefined;
}
