import { grouped } from '../../format.ts';
import { frame, timeFigure, timeScale, yAxis } from './chart.ts';
import { OUTCOME_COLOUR, outcomeLegend } from './outcome-colours.ts';
import { slidingQuantiles } from './quantiles.ts';
import type { RunPlotData } from './run-data.ts';
import { logScale } from './scale.ts';
import { el, tip } from './svg.ts';

export const QUANTILES = [
  { q: 0.5, name: 'p50', colour: '#2f6fec' },
  { q: 0.95, name: 'p95', colour: '#16a5a5' },
  { q: 0.99, name: 'p99', colour: '#1d2330' },
] as const;
/** Sample points of the quantile lines. */
const POINTS = 80;

/**
 * Latency over time: a dot per operation at its invocation time and its latency (log
 * scale), coloured by outcome; an open operation's dot sits at the time it had been open
 * when the run ended, a lower bound. The p50/p95/p99 lines are of completed operations
 * (ok and fail) over sliding windows a tenth of the run wide.
 */
export function latencyPlot(d: RunPlotData, width = 960, height = 300): string {
  const f = frame(width, height, { top: 46 });
  const time = timeScale(d.endMs, f);
  const x = time.x;
  const latencies = d.ops.map((o) => Math.max(o.endMs - o.invokeMs, 0.01));
  const y = logScale(Math.min(1, ...latencies), Math.max(10, ...latencies) * 1.2, f.bottom, f.top);
  const windowMs = Math.max(d.endMs / 10, 1);
  const completed = d.ops.filter((o) => o.outcome === 'ok' || o.outcome === 'fail').map((o) => ({ t: o.invokeMs, v: o.endMs - o.invokeMs }));
  const series = slidingQuantiles(completed, QUANTILES.map((q) => q.q), d.endMs, windowMs, POINTS);
  const lines = QUANTILES.map((q, k) => {
    const segments: string[][] = [[]];
    for (const s of series) {
      const v = s.values[k];
      if (v === undefined) segments.push([]);
      else segments[segments.length - 1]!.push(`${x(s.t).toFixed(1)},${y(Math.max(v, 0.01)).toFixed(1)}`);
    }
    const paths = segments.filter((s) => s.length > 0).map((s) => el('polyline', { points: s.join(' '), fill: 'none', stroke: q.colour, 'stroke-width': 1.6 }));
    return el('g', { class: 'quantile', 'data-q': q.name }, paths);
  });
  const dots = d.ops.map((o, k) =>
    el('circle', { class: `op ${o.outcome}`, 'data-op': o.id, 'data-outcome': o.outcome, cx: x(o.invokeMs), cy: y(latencies[k]!), r: 2.6, fill: o.outcome === 'info' ? 'none' : OUTCOME_COLOUR[o.outcome], stroke: OUTCOME_COLOUR[o.outcome] }, tip(`${o.text}: ${grouped(o.endMs - o.invokeMs)} ms`)),
  );
  return timeFigure('latency', 'Latency over time', `${grouped(d.ops.length)} operations; quantile windows ${grouped(Math.round(windowMs))} ms wide`, f, time, d, {
    y: yAxis(f, y, 'latency (ms, log)'),
    marks: [el('g', { class: 'ops' }, dots), ...lines],
    legend: [...outcomeLegend(d.ops, 'dot'), ...QUANTILES.map((q) => ({ label: q.name, colour: q.colour, shape: 'line' as const }))],
  });
}
