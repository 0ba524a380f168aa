import { grouped } from '../../format.ts';
import type { FaultInterval } from './fault-intervals.ts';
import { linearScale, type Scale } from './scale.ts';
import { el, esc, tip } from './svg.ts';

/** Where a plot draws: the whole SVG's size and its inner plotting area. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export function frame(width: number, height: number, margin: { left?: number; right?: number; top?: number; bottom?: number } = {}): Frame {
  const left = margin.left ?? 64;
  const top = margin.top ?? 30;
  return { width, height, left, top, right: width - (margin.right ?? 20), bottom: height - (margin.bottom ?? 42) };
}

export const FAULT_STYLE: Readonly<Record<FaultInterval['kind'], { fill: string; name: string }>> = {
  crash: { fill: 'rgba(90,96,110,.20)', name: 'node down' },
  disk: { fill: 'rgba(142,68,173,.22)', name: 'torn write (disk)' },
  pause: { fill: 'rgba(224,138,22,.20)', name: 'node paused' },
  partition: { fill: 'rgba(209,51,63,.12)', name: 'partition' },
};

/** A time scale over the run, in ms; its ticks read in seconds once the run is 10 s or longer. */
export function timeScale(endMs: number, f: Frame): { x: Scale; label: string; format: (ms: number) => string } {
  const x = linearScale(0, endMs, f.left, f.right, 8);
  const seconds = endMs >= 10_000;
  return { x, label: `simulated time (${seconds ? 's' : 'ms'})`, format: (ms) => grouped(seconds ? ms / 1000 : ms) };
}

/** The x axis at the frame's bottom: a line, a tick and a label per tick value, and the axis title. */
export function xAxis(f: Frame, x: Scale, label: string, format: (v: number) => string = grouped): string {
  const ticks = x.ticks().map((v) =>
    el('g', { class: 'tick', 'data-value': v }, [
      el('line', { x1: x(v), x2: x(v), y1: f.bottom, y2: f.bottom + 5 }),
      el('text', { x: x(v), y: f.bottom + 17, 'text-anchor': 'middle' }, esc(format(v))),
    ]),
  );
  return el('g', { class: 'axis x-axis' }, [
    el('line', { class: 'domain', x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom }),
    ...ticks,
    el('text', { class: 'axis-label', x: (f.left + f.right) / 2, y: f.height - 6, 'text-anchor': 'middle' }, esc(label)),
  ]);
}

/** The y axis at the frame's left, with light grid lines across the plot. */
export function yAxis(f: Frame, y: Scale, label: string, format: (v: number) => string = grouped): string {
  const ticks = y.ticks().map((v) =>
    el('g', { class: 'tick', 'data-value': v }, [
      el('line', { class: 'grid', x1: f.left, x2: f.right, y1: y(v), y2: y(v) }),
      el('line', { x1: f.left - 5, x2: f.left, y1: y(v), y2: y(v) }),
      el('text', { x: f.left - 8, y: y(v) + 3.5, 'text-anchor': 'end' }, esc(format(v))),
    ]),
  );
  return el('g', { class: 'axis y-axis' }, [
    el('line', { class: 'domain', x1: f.left, x2: f.left, y1: f.top, y2: f.bottom }),
    ...ticks,
    el('text', { class: 'axis-label', transform: `translate(14 ${(f.top + f.bottom) / 2}) rotate(-90)`, 'text-anchor': 'middle' }, esc(label)),
  ]);
}

/** One translucent rect per fault interval, from its start to its end, between `y0` and `y1`. */
export function faultRects(faults: readonly FaultInterval[], x: Scale, y0: number, y1: number): string {
  return faults
    .map((f) =>
      el(
        'rect',
        {
          class: `fault fault-${f.kind}`,
          'data-kind': f.kind,
          'data-from-ms': f.fromMs,
          'data-to-ms': f.toMs,
          x: x(f.fromMs),
          y: y0,
          width: Math.max(1, x(f.toMs) - x(f.fromMs)),
          height: y1 - y0,
          fill: FAULT_STYLE[f.kind].fill,
        },
        tip(`${f.label}: ${grouped(f.fromMs)} – ${grouped(f.toMs)} ms${f.open ? ' (still on at the end)' : ''}`),
      ),
    )
    .join('');
}

/** The violation as a red vertical line with its property's name. */
export function violationMark(v: { atMs: number; property: string } | undefined, x: Scale, f: Frame): string {
  if (v === undefined) return '';
  return el('g', { class: 'violation', 'data-at-ms': v.atMs }, [
    el('line', { x1: x(v.atMs), x2: x(v.atMs), y1: f.top, y2: f.bottom }),
    el('text', { x: x(v.atMs), y: f.top - 4, 'text-anchor': x(v.atMs) > (f.left + f.right) / 2 ? 'end' : 'start' }, esc(`✗ ${v.property}`)),
  ]);
}

export interface LegendItem {
  readonly label: string;
  readonly colour: string;
  readonly shape: 'dot' | 'line' | 'box';
}

/** A row of swatches and labels, from (`x`, `y`), at most `maxX` wide (then it wraps). */
export function legend(items: readonly LegendItem[], x: number, y: number, maxX: number): string {
  let cx = x;
  let cy = y;
  const parts = items.map((it) => {
    const w = 22 + it.label.length * 6.2;
    if (cx + w > maxX && cx > x) [cx, cy] = [x, cy + 15];
    const swatch =
      it.shape === 'dot'
        ? el('circle', { cx: cx + 5, cy: cy - 4, r: 4, fill: it.colour })
        : it.shape === 'line'
          ? el('line', { x1: cx, x2: cx + 12, y1: cy - 4, y2: cy - 4, stroke: it.colour, 'stroke-width': 2 })
          : el('rect', { x: cx, y: cy - 9, width: 12, height: 10, fill: it.colour });
    const g = el('g', { class: 'legend-item', 'data-label': it.label }, [swatch, el('text', { x: cx + 16, y: cy }, esc(it.label))]);
    cx += w;
    return g;
  });
  return el('g', { class: 'legend' }, parts);
}

/** The legend entries for the fault kinds present. */
export function faultLegend(faults: readonly FaultInterval[]): LegendItem[] {
  const kinds = (Object.keys(FAULT_STYLE) as FaultInterval['kind'][]).filter((k) => faults.some((f) => f.kind === k));
  return kinds.map((k) => ({ label: FAULT_STYLE[k].name, colour: FAULT_STYLE[k].fill, shape: 'box' as const }));
}

/**
 * A plot over the run's simulated time: the fault periods shaded behind everything (all of
 * them, or `faults`), its y axis, the time axis, its marks, the violation's line in front,
 * and the legend with the fault kinds present.
 */
export function timeFigure(
  id: string,
  title: string,
  note: string,
  f: Frame,
  time: ReturnType<typeof timeScale>,
  run: { readonly faults: readonly FaultInterval[]; readonly violation: { atMs: number; property: string } | undefined },
  parts: { readonly y: string; readonly marks: readonly string[]; readonly legend: readonly LegendItem[]; readonly faults?: readonly FaultInterval[] },
): string {
  return figure(id, title, f, [
    faultRects(parts.faults ?? run.faults, time.x, f.top, f.bottom),
    parts.y,
    xAxis(f, time.x, time.label, time.format),
    ...parts.marks,
    violationMark(run.violation, time.x, f),
    legend([...parts.legend, ...faultLegend(run.faults)], f.left, 14, f.right),
  ], note);
}

/** A plot: a titled figure around one SVG. `id` names it for tests and links. */
export function figure(id: string, title: string, f: Frame, body: readonly string[], note = ''): string {
  const svg = el('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'plot', id, width: f.width, height: f.height, viewBox: `0 0 ${f.width} ${f.height}`, role: 'img', 'aria-label': title }, body);
  return el('figure', { class: 'plot-figure' }, [el('figcaption', {}, esc(title) + (note ? ` <span class="note">${esc(note)}</span>` : '')), svg]);
}
