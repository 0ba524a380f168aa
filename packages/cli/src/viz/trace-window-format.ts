import type { ChalkInstance } from 'chalk';
import type { TraceRecord } from '@faultline/simulator';
import { count } from '../format.ts';
import { TraceFormatter, layoutFor } from '../trace-format.ts';
import type { Kept } from './trace-window.ts';

/**
 * The terminal trace of the records `kept` (from windowOf): a header with a column per
 * node (only `nodes`, when given), one line per kept record, and a dim line where records
 * were left out. Every record goes through the formatter, kept or not, so a delivery still
 * shows the message sent before the window.
 */
export function formatTraceWindow(records: readonly TraceRecord[], kept: readonly Kept[], c: ChalkInstance, width: number, nodes?: readonly string[]): string[] {
  const f = new TraceFormatter(layoutFor(records, width, nodes), c);
  const lines = [f.header()];
  const gap = (n: number) => {
    if (n > 0) lines.push(c.dim(`  ⋯ ${count(n, 'record')} not shown`));
  };
  let next = 0;
  let last = -1;
  records.forEach((r, at) => {
    if (kept[next]?.at !== at) return void f.text(r);
    gap(at - last - 1);
    lines.push(f.line(r));
    last = at;
    next++;
  });
  gap(records.length - last - 1);
  return lines;
}
