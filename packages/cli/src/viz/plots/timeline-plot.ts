import { grouped } from '../../format.ts';
import { frame, timeFigure, timeScale } from './chart.ts';
import { OUTCOME_COLOUR, outcomeLegend } from './outcome-colours.ts';
import type { RunPlotData } from './run-data.ts';
import { el, esc, tip } from './svg.ts';

const ROW = 18;

/** A row per client, a bar per operation from its invocation to its completion (or the end), coloured by outcome. */
export function timelinePlot(d: RunPlotData, width = 960): string {
  const clients = d.clients.length > 0 ? d.clients : [...new Set(d.ops.map((o) => o.client))];
  const f = frame(width, 36 + clients.length * ROW + 42, { top: 36 });
  const time = timeScale(d.endMs, f);
  const x = time.x;
  const row = new Map(clients.map((c, k) => [c, k]));
  const yOf = (c: string) => f.top + (row.get(c) ?? 0) * ROW;
  const bars = d.ops.map((o) => {
    const x0 = x(o.invokeMs);
    return el('rect', { class: `op ${o.outcome}`, 'data-op': o.id, 'data-outcome': o.outcome, x: x0, y: yOf(o.client) + 3, width: Math.max(1.5, x(o.endMs) - x0), height: ROW - 6, rx: 2, fill: OUTCOME_COLOUR[o.outcome], 'fill-opacity': o.outcome === 'info' ? 0.45 : 0.85 }, tip(`${o.text}: ${grouped(o.invokeMs)} – ${grouped(o.endMs)} ms`));
  });
  const rows = clients.map((c, k) =>
    el('g', { class: 'tick', 'data-value': c }, [
      el('line', { class: 'grid', x1: f.left, x2: f.right, y1: f.top + (k + 1) * ROW, y2: f.top + (k + 1) * ROW }),
      el('text', { x: f.left - 8, y: f.top + k * ROW + ROW / 2 + 3.5, 'text-anchor': 'end' }, esc(c)),
    ]),
  );
  return timeFigure('timeline', 'Operations per client', 'each bar: invocation to completion', f, time, d, {
    y: el('g', { class: 'axis y-axis' }, [el('line', { class: 'domain', x1: f.left, x2: f.left, y1: f.top, y2: f.bottom }), ...rows]),
    marks: [el('g', { class: 'ops' }, bars)],
    legend: outcomeLegend(d.ops, 'box'),
  });
}
