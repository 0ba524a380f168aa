import { simulate, type SimOptions } from '@faultline/simulator';

/** Seeds sampled (with the random strategy) to size PCT's steps. */
export const PCT_SAMPLE_SEEDS = 5;

/** PCT's step count as estimated, and what it came from (said in `test`'s output). */
export interface PctSteps {
  readonly steps: number;
  readonly from: string;
}

/**
 * PCT draws its change points over the expected length of a run, so the estimate comes
 * from runs that went the whole way: the median event count of the passing runs among
 * seeds 1..5 run with the random strategy. A failing run stops at its violation, often
 * early, so failing runs are not used while any run passed; when none passed with the bug,
 * the protocol's correct version is sampled the same way; when nothing passed at all, the
 * longest failing run is the (lower-bound) estimate.
 */
export function estimatePctSteps(base: Omit<SimOptions, 'seed' | 'strategy' | 'trace'>): PctSteps {
  const sample = (bug: string | undefined) => {
    const runs = [];
    for (let seed = 1; seed <= PCT_SAMPLE_SEEDS; seed++) runs.push(simulate({ ...base, bug, seed, trace: 'none' }));
    return runs;
  };
  const withBug = sample(base.bug);
  const passing = withBug.filter((r) => r.ok).map((r) => r.events);
  if (passing.length > 0) return { steps: median(passing), from: `median events of ${passing.length} passing random runs of seeds 1..${PCT_SAMPLE_SEEDS}` };
  if (base.bug !== undefined) {
    const correct = sample(undefined).filter((r) => r.ok).map((r) => r.events);
    if (correct.length > 0)
      return { steps: median(correct), from: `median events of ${correct.length} passing random runs of the correct version (every sampled run with the bug failed)` };
  }
  const longest = Math.max(1, ...withBug.map((r) => r.events));
  return { steps: longest, from: `the longest of ${PCT_SAMPLE_SEEDS} random runs, all failing (a lower bound: set --pct-steps)` };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
