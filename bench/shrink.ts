import { protocols } from '@faultline/protocols';
import { campaign, scheduleOptions, shrink } from '@faultline/simulator';
import { SEEDS, sliceSize } from './slice.ts';

/** Per failure, as `faultline test` shrinks it: its run budget and its default wall budget. */
const MAX_RUNS = 5_000;
const BUDGET_MS = 20_000;
/** The goals of issue 13, per failure: events of the shrunk run, records of its causal slice, wall ms. */
const GOAL_EVENTS = 60;
const GOAL_SLICE = 30;
const GOAL_MS = 20_000;

/**
 * Every bug variant of the library: its first failure's events before and after
 * shrinking, the shrink's runs, wall ms and CPU ms (`cpuMs`: what the shrink had of the
 * machine, far less than its wall time on a shared one), and the shrunk run's trace
 * records and the causal slice of them (`records`, `slice`). Figures are `shrink.<protocol>.<bug>.<what>`,
 * plus the worst `after` and `ms` over all variants and the summary `shrink.meets.*`:
 * how many variants' shrunk runs have at most 60 events, slices at most 30 records, and
 * shrink times at most 20 s (of `shrink.meets.variants`). A variant with no failure in
 * `SEEDS` seeds reports `found: 0`.
 */
export function shrinkFigures(): Record<string, number> {
  const figures: Record<string, number> = {};
  let worstEvents = 0;
  let worstMs = 0;
  let worstSlice = 0;
  const meets = { variants: 0, events: 0, slice: 0, ms: 0 };
  for (const protocol of protocols)
    for (const { name: bug } of protocol.bugs) {
      const key = `shrink.${protocol.name}.${bug}`;
      const c = campaign({ protocol, bug, seeds: SEEDS, failFast: true });
      const f = c.failures[0];
      figures[`${key}.found`] = f === undefined ? 0 : 1;
      if (f === undefined) continue;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const s = shrink({ protocol, bug, seed: Number(f.seed) }, f, { maxRuns: MAX_RUNS, budgetMs: BUDGET_MS, clock: () => performance.now() });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      figures[`${key}.before`] = s.original.events;
      figures[`${key}.after`] = s.shrunk.events;
      figures[`${key}.runs`] = s.runs;
      figures[`${key}.ms`] = ms;
      figures[`${key}.cpuMs`] = (cpu.user + cpu.system) / 1000;
      const slice = sliceSize(scheduleOptions(protocol, s.schedule));
      figures[`${key}.records`] = slice.records;
      if (slice.slice !== undefined) figures[`${key}.slice`] = slice.slice;
      worstSlice = Math.max(worstSlice, slice.slice ?? slice.records);
      worstEvents = Math.max(worstEvents, s.shrunk.events);
      worstMs = Math.max(worstMs, ms);
      meets.variants++;
      if (s.shrunk.events <= GOAL_EVENTS) meets.events++;
      if ((slice.slice ?? slice.records) <= GOAL_SLICE) meets.slice++;
      if (ms <= GOAL_MS) meets.ms++;
    }
  figures['shrink.worst.after'] = worstEvents;
  figures['shrink.worst.ms'] = worstMs;
  figures['shrink.worst.slice'] = worstSlice;
  for (const [k, v] of Object.entries(meets)) figures[`shrink.meets.${k}`] = v;
  return figures;
}
