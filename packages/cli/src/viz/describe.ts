import { Chalk } from 'chalk';
import type { TraceRecord } from '@faultline/simulator';
import { TraceFormatter, layoutFor } from '../trace-format.ts';

/**
 * A record's one-line text, as the terminal trace shows it, uncoloured. Call it on the
 * records in trace order: a delivery's text shows the message its send carried.
 */
export function describer(records: readonly TraceRecord[]): (r: TraceRecord) => string {
  const f = new TraceFormatter(layoutFor(records, 1_000), new Chalk({ level: 0 }));
  return (r) => f.text(r);
}
