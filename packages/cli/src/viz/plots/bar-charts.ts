import { grouped } from '../../format.ts';
import { figure, frame, legend, xAxis, yAxis, type LegendItem } from './chart.ts';
import { linearScale } from './scale.ts';
import { el, esc, tip } from './svg.ts';

/** One part of a bar: `n` things of `kind`, drawn in `colour`. */
export interface Stack {
  readonly kind: string;
  readonly n: number;
  readonly colour: string;
}

/** Vertical bars over a numeric x axis: each bucket [x0, x1) a stack of counts. */
export function columnChart(opts: {
  id: string;
  title: string;
  note?: string;
  xLabel: string;
  yLabel: string;
  buckets: readonly { x0: number; x1: number; stacks: readonly Stack[] }[];
  legend: readonly LegendItem[];
  xFormat?: (v: number) => string;
  /** Divides counts for the y axis (per second: the bucket's seconds). */
  rate?: (bucket: { x0: number; x1: number }) => number;
  width?: number;
  height?: number;
}): string {
  const f = frame(opts.width ?? 960, opts.height ?? 240, { top: 36 });
  const lo = Math.min(...opts.buckets.map((b) => b.x0), 0);
  const hi = Math.max(...opts.buckets.map((b) => b.x1), lo + 1);
  const x = linearScale(lo, hi, f.left, f.right, 8);
  const rate = opts.rate ?? (() => 1);
  const total = (b: (typeof opts.buckets)[number]) => b.stacks.reduce((s, p) => s + p.n, 0) / rate(b);
  const y = linearScale(0, Math.max(1, ...opts.buckets.map(total)) * 1.1, f.bottom, f.top, 5);
  const bars: string[] = [];
  for (const b of opts.buckets) {
    let base = 0;
    for (const p of b.stacks) {
      if (p.n === 0) continue;
      const v0 = base / rate(b);
      const v1 = (base + p.n) / rate(b);
      bars.push(el('rect', { class: `bar ${p.kind}`, 'data-kind': p.kind, 'data-count': p.n, 'data-x0': b.x0, 'data-x1': b.x1, x: x(b.x0) + 0.5, width: Math.max(0.5, x(b.x1) - x(b.x0) - 1), y: y(v1), height: y(v0) - y(v1), fill: p.colour }, tip(`${grouped(b.x0)}–${grouped(b.x1)}: ${grouped(p.n)} ${p.kind}`)));
      base += p.n;
    }
  }
  return figure(opts.id, opts.title, f, [yAxis(f, y, opts.yLabel), xAxis(f, x, opts.xLabel, opts.xFormat), el('g', { class: 'bars' }, bars), legend(opts.legend, f.left, 14, f.right)], opts.note);
}

/** Horizontal bars, a row per label, each row one or more bars side by side with its value written at its end. */
export function rowChart(opts: {
  id: string;
  title: string;
  note?: string;
  xLabel: string;
  rows: readonly { label: string; bars: readonly (Stack & { text?: string })[] }[];
  legend: readonly LegendItem[];
  width?: number;
}): string {
  const perRow = Math.max(1, ...opts.rows.map((r) => r.bars.length));
  const rowH = 8 + perRow * 13;
  const f = frame(opts.width ?? 960, 36 + opts.rows.length * rowH + 42, { top: 36, left: 230, right: 250 });
  const x = linearScale(0, Math.max(1, ...opts.rows.flatMap((r) => r.bars.map((b) => b.n))) * 1.05, f.left, f.right, 6);
  const rows = opts.rows.map((r, k) => {
    const top = f.top + k * rowH;
    return el('g', { class: 'row', 'data-label': r.label }, [
      el('text', { class: 'row-label', x: f.left - 8, y: top + rowH / 2 + 4, 'text-anchor': 'end' }, esc(r.label)),
      ...r.bars.map((b, j) =>
        el('g', {}, [
          el('rect', { class: `bar ${b.kind}`, 'data-kind': b.kind, 'data-count': b.n, x: f.left, y: top + 4 + j * 13, width: Math.max(1, x(b.n) - f.left), height: 11, fill: b.colour }, tip(`${r.label}: ${b.text ?? grouped(b.n)} ${b.kind}`)),
          el('text', { x: x(b.n) + 4, y: top + 13 + j * 13 }, esc(b.text ?? grouped(b.n))),
        ]),
      ),
    ]);
  });
  const yAxisG = el('g', { class: 'axis y-axis' }, [el('line', { class: 'domain', x1: f.left, x2: f.left, y1: f.top, y2: f.bottom })]);
  return figure(opts.id, opts.title, f, [yAxisG, xAxis(f, x, opts.xLabel), ...rows, legend(opts.legend, f.left, 14, f.right)], opts.note);
}
