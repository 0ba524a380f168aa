import type { LegendItem } from './chart.ts';
import { OUTCOMES, type Outcome, type PlotOp } from './run-data.ts';

/** One colour per outcome, the same in every plot and legend. */
export const OUTCOME_COLOUR: Readonly<Record<Outcome, string>> = {
  ok: '#1f9d55',
  fail: '#d1333f',
  timeout: '#e08a16',
  info: '#7a5bc7',
};

export const OUTCOME_NAME: Readonly<Record<Outcome, string>> = {
  ok: 'ok',
  fail: 'fail (did not take effect)',
  timeout: 'timeout (client gave up)',
  info: 'info (open at the end)',
};

/** Legend entries for the outcomes among `ops` (of those in `among`), in the usual order. */
export function outcomeLegend(ops: readonly PlotOp[], shape: LegendItem['shape'], among: readonly Outcome[] = OUTCOMES): LegendItem[] {
  return among.filter((o) => ops.some((op) => op.outcome === o)).map((o) => ({ label: OUTCOME_NAME[o], colour: OUTCOME_COLOUR[o], shape }));
}
