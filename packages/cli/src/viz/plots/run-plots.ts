import { count, grouped } from '../../format.ts';
import { latencyPlot } from './latency-plot.ts';
import { messagesPlot } from './messages-plot.ts';
import type { RunPlotData } from './run-data.ts';
import { esc } from './svg.ts';
import { throughputPlot } from './throughput-plot.ts';
import { timelinePlot } from './timeline-plot.ts';

/** A run's four plots with a line of what it did, as one HTML section (see docs/visualizer.md). */
export function runPlotsSection(d: RunPlotData): string {
  const by = (o: string) => d.ops.filter((op) => op.outcome === o).length;
  const verdict = d.violation
    ? `<span class="bad">✗ '${esc(d.violation.property)}' violated at ${grouped(d.violation.atMs)} ms</span>`
    : 'no property violated';
  const summary =
    `${verdict} · ${grouped(d.endMs)} simulated ms · ${count(d.ops.length, 'operation')} (${by('ok')} ok, ${by('fail')} fail, ` +
    `${by('timeout')} timeout, ${by('info')} open at the end) · ${count(d.faults.length, 'fault period')} · ${count(d.sends.length, 'message')} sent by nodes, ${grouped(d.drops.length)} lost`;
  return [
    `<section class="faultline-plots run-plots" data-title="${esc(d.title)}">`,
    `<h2>${esc(d.title)}</h2>`,
    `<p class="summary">${summary}</p>`,
    latencyPlot(d),
    throughputPlot(d),
    timelinePlot(d),
    messagesPlot(d),
    '</section>',
  ].join('\n');
}
