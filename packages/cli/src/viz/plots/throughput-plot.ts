import { grouped } from '../../format.ts';
import { bucketWidth, countBuckets } from './buckets.ts';
import { frame, timeFigure, timeScale, yAxis } from './chart.ts';
import { OUTCOME_COLOUR, outcomeLegend } from './outcome-colours.ts';
import { OUTCOMES, type RunPlotData } from './run-data.ts';
import { linearScale } from './scale.ts';
import { el, tip } from './svg.ts';

/**
 * Throughput over time: operations finished per second of simulated time, in buckets of a
 * round width, stacked by outcome (open operations never finish, so they are not counted).
 */
export function throughputPlot(d: RunPlotData, width = 960, height = 240): string {
  const f = frame(width, height, { top: 36 });
  const time = timeScale(d.endMs, f);
  const x = time.x;
  const w = bucketWidth(d.endMs, 50);
  const finished = OUTCOMES.filter((o) => o !== 'info');
  const counts = finished.map((o) => countBuckets(d.ops.filter((op) => op.outcome === o).map((op) => op.endMs), d.endMs, w));
  const perSecond = 1000 / w;
  const totals = counts[0]!.map((_c, b) => counts.reduce((s, row) => s + row[b]!, 0));
  const y = linearScale(0, Math.max(1, ...totals) * perSecond * 1.1, f.bottom, f.top, 5);
  const bars: string[] = [];
  totals.forEach((_t, b) => {
    let base = 0;
    finished.forEach((o, k) => {
      const n = counts[k]![b]!;
      if (n === 0) return;
      const x0 = x(b * w);
      const x1 = x(Math.min((b + 1) * w, d.endMs));
      bars.push(
        el('rect', { class: `bar ${o}`, 'data-outcome': o, 'data-count': n, 'data-from-ms': b * w, x: x0 + 0.5, width: Math.max(0.5, x1 - x0 - 1), y: y((base + n) * perSecond), height: y(base * perSecond) - y((base + n) * perSecond), fill: OUTCOME_COLOUR[o] }, tip(`${grouped(b * w)}–${grouped((b + 1) * w)} ms: ${n} ${o}`)),
      );
      base += n;
    });
  });
  return timeFigure('throughput', 'Throughput over time', `buckets of ${grouped(w)} ms`, f, time, d, {
    y: yAxis(f, y, 'ops finished / s'),
    marks: [el('g', { class: 'bars' }, bars)],
    legend: outcomeLegend(d.ops, 'box', finished),
  });
}
