import { grouped } from '../../format.ts';
import { bucketWidth, countBuckets } from './buckets.ts';
import { faultRects, frame, timeFigure, timeScale } from './chart.ts';
import type { RunPlotData } from './run-data.ts';
import { linearScale } from './scale.ts';
import { el, esc, tip } from './svg.ts';

const ROW = 46;
const SENT = '#5b6b8c';
const DROPPED = '#d1333f';

/**
 * Messages per node over time: a row per node with the messages it sent per bucket and,
 * over them in red, those of its messages that were lost (to loss, a partition, or a
 * receiver that was down). A node's own crashes and pauses are shaded in its row,
 * partitions across all rows.
 */
export function messagesPlot(d: RunPlotData, width = 960): string {
  const f = frame(width, 36 + d.nodes.length * ROW + 42, { top: 36, left: 150 });
  const time = timeScale(d.endMs, f);
  const x = time.x;
  const w = bucketWidth(d.endMs, 60);
  const sent = d.nodes.map((n) => countBuckets(d.sends.filter(([s]) => s === n).map(([, t]) => t), d.endMs, w));
  const dropped = d.nodes.map((n) => countBuckets(d.drops.filter(([s]) => s === n).map(([, t]) => t), d.endMs, w));
  const max = Math.max(1, ...sent.flat(), ...dropped.flat());
  const rows = d.nodes.map((n, k) => {
    const top = f.top + k * ROW;
    const y = linearScale(0, max, top + ROW - 4, top + 6);
    const bars = (counts: number[], colour: string, kind: string) =>
      counts.map((c, b) =>
        c === 0 ? '' : el('rect', { class: `bar ${kind}`, 'data-count': c, x: x(b * w) + 0.5, width: Math.max(0.5, x(Math.min((b + 1) * w, d.endMs)) - x(b * w) - 1), y: y(c), height: y(0) - y(c), fill: colour }, tip(`${n}, ${grouped(b * w)}–${grouped((b + 1) * w)} ms: ${c} ${kind}`)),
      );
    const totalSent = d.sends.filter(([s]) => s === n).length;
    const totalDropped = d.drops.filter(([s]) => s === n).length;
    return el('g', { class: 'node-row', 'data-node': n, 'data-sent': totalSent, 'data-dropped': totalDropped }, [
      faultRects(d.faults.filter((fi) => fi.node === n), x, top, top + ROW),
      el('line', { class: 'grid', x1: f.left, x2: f.right, y1: top + ROW, y2: top + ROW }),
      el('text', { class: 'row-label', x: f.left - 8, y: top + ROW / 2, 'text-anchor': 'end' }, esc(n)),
      el('text', { class: 'row-note', x: f.left - 8, y: top + ROW / 2 + 13, 'text-anchor': 'end' }, esc(`${grouped(totalSent)} sent, ${grouped(totalDropped)} lost`)),
      ...bars(sent[k]!, SENT, 'sent'),
      ...bars(dropped[k]!, DROPPED, 'dropped'),
    ]);
  });
  return timeFigure('messages', 'Messages per node', `buckets of ${grouped(w)} ms; the tallest bar is ${grouped(max)} messages`, f, time, d, {
    faults: d.faults.filter((fi) => fi.node === undefined),
    y: el('g', { class: 'axis y-axis' }, [el('line', { class: 'domain', x1: f.left, x2: f.left, y1: f.top, y2: f.bottom })]),
    marks: rows,
    legend: [
      { label: 'sent', colour: SENT, shape: 'box' },
      { label: 'lost', colour: DROPPED, shape: 'box' },
    ],
  });
}
