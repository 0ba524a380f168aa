import type { ProtocolDefinition } from '@faultline/runtime';
import { protocols } from '@faultline/protocols';
import { campaign, causalSlice, scheduleOptions, shrink, simulate, type SimOptions } from '@faultline/simulator';

/**
 * The slice-size hook for a bench row of a failure (bench/shrink.ts's, say): the run of
 * `options` replayed with its full trace, its records and the records of its causal slice
 * (undefined when the run passes).
 */
export function sliceSize(options: Omit<SimOptions, 'trace'>): { records: number; slice: number | undefined } {
  const trace = simulate({ ...options, trace: 'full' }).trace ?? [];
  return { records: trace.length, slice: causalSlice(trace)?.records.length };
}

/** Variants measured here: ones whose first failure shrinks in a few seconds. */
const VARIANTS: readonly [string, string][] = [
  ['epidemic-collection', 'remove-without-tombstone'],
  ['primary-backup', 'stale-primary-reads'],
  ['group-communication', 'sequencer-skips-safe-check'],
];
/**
 * Seeds searched for each variant's first failure, as `faultline test P --bug B --seeds 1000
 * --fail-fast`: the 300 find the same first failure wherever one fails in them, and
 * the rest find one too (primary-backup stale-primary-reads first fails on seed 709 since
 * late joiners vote), so every variant has a row.
 */
export const SEEDS = 1_000;
const SHRINK_BUDGET_MS = 20_000;

/**
 * Per variant, the first failing seed of 1..`SEEDS` as `faultline test --fail-fast` finds and
 * shrinks it: events before and after shrinking, and the causal slice's records of the
 * original run and of the shrunk one (the slice `test` prints).
 */
export function sliceFigures(): Record<string, number> {
  const figures: Record<string, number> = {};
  for (const [name, bug] of VARIANTS) {
    const protocol: ProtocolDefinition = protocols.find((p) => p.name === name)!;
    const failure = campaign({ protocol, bug, seeds: SEEDS, failFast: true }).failures[0];
    if (failure === undefined) throw new Error(`slice bench: ${name} --bug ${bug} failed on none of seeds 1..${SEEDS}`);
    const options = { protocol, bug, seed: Number(failure.seed) };
    const s = shrink(options, failure, { budgetMs: SHRINK_BUDGET_MS, clock: () => performance.now() });
    const before = sliceSize(options);
    const after = sliceSize(scheduleOptions(protocol, s.schedule));
    const key = `slice.${name}.${bug}`;
    figures[`${key}.events`] = s.original.events;
    figures[`${key}.shrunkEvents`] = s.shrunk.events;
    figures[`${key}.slice`] = before.slice!;
    figures[`${key}.shrunkRecords`] = after.records;
    figures[`${key}.shrunkSlice`] = after.slice!;
  }
  return figures;
}
