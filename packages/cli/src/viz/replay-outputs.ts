import { writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { causalSlice, type SimResult } from '@faultline/simulator';
import { UsageError, errorMessage } from '../errors.ts';
import { count } from '../format.ts';
import type { Output } from '../io.ts';
import { describer } from './describe.ts';
import { diagramModel } from './diagram-model.ts';
import { diagramHtml } from './html-page.ts';
import { viewerPlotsPanel } from './plots/report-page.ts';
import { runPlotData } from './plots/run-data.ts';
import { runPlotsSection } from './plots/run-plots.ts';
import { SHIVIZ_REGEX, toShiViz } from './shiviz.ts';
import { formatTraceWindow } from './trace-window-format.ts';
import { TraceWindowError, windowOf } from './trace-window.ts';

/** What `faultline replay` writes besides its summary: the diagram page, the ShiViz log. Returns the lines to print. */
export function writeReplayOutputs(out: Output, result: SimResult, files: { html?: string; shiviz?: string }): string[] {
  const trace = result.trace ?? [];
  const lines: string[] = [];
  if (files.html !== undefined) {
    const model = diagramModel(result, describer(trace), causalSlice(trace)?.records.map((k) => trace[k]!.i));
    writeText(out, files.html, diagramHtml(model, viewerPlotsPanel(runPlotsSection(runPlotData(trace)))));
    lines.push(out.c.dim(`space-time diagram written to ${files.html} (${count(model.events.length, 'event')}; open it in a browser)`));
  }
  if (files.shiviz !== undefined) {
    const log = toShiViz(trace, describer(trace));
    writeText(out, files.shiviz, log);
    lines.push(out.c.dim(`ShiViz log written to ${files.shiviz} (${count(log.split('\n').length - 1, 'event')}); ShiViz parser regex: ${SHIVIZ_REGEX}`));
  }
  return lines;
}

/** The terminal trace, whole or only where `--around` / `--node` point. */
export function replayTraceLines(out: Output, result: SimResult, flags: { around?: string; window?: number; node?: string; width?: number }): string[] {
  const trace = result.trace ?? [];
  const nodes = flags.node?.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (nodes !== undefined) {
    const known = new Set(result.nodes.map((n) => n.id));
    for (const n of trace) if (n.k === 'config') for (const node of n.nodes) known.add(node.id);
    const unknown = nodes.filter((n) => !known.has(n));
    if (unknown.length > 0 || nodes.length === 0) throw new UsageError(`faultline replay: --node ${flags.node}: no node ${unknown.join(', ')} here; the nodes are ${[...known].join(', ')}`);
  }
  let kept;
  try {
    kept = windowOf(trace, { ...(nodes ? { nodes } : {}), ...(flags.around !== undefined ? { around: flags.around } : {}), ...(flags.window !== undefined ? { window: flags.window } : {}) });
  } catch (err) {
    if (err instanceof TraceWindowError) throw new UsageError(`faultline replay: ${err.message}`);
    throw err;
  }
  const width = flags.width === undefined ? out.traceWidth : flags.width === 0 ? Number.POSITIVE_INFINITY : Math.max(40, flags.width);
  return formatTraceWindow(trace, kept, out.c, width, nodes);
}

export function writeText(out: Output, file: string, text: string): void {
  const abs = isAbsolute(file) ? file : resolve(out.cwd, file);
  try {
    writeFileSync(abs, text);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${errorMessage(err)}`);
  }
}
