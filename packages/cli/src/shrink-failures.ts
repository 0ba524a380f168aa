import { shrink, type CampaignFailure, type RunSize, type ShrinkProgress } from '@faultline/simulator';
import { shellQuote } from '@faultline/simulator';
import { seedValue, type RunSetup } from './run-setup.ts';
import { writeSchedule } from './schedule-file.ts';

/** Failures shrunk after a campaign (the first ones, in seed order), to bound the time it takes. */
export const SHRUNK_FAILURES = 5;
/** Simulations one failure's shrinking may run (the wall budget, `--shrink-budget-ms`, is what usually binds). */
export const SHRINK_MAX_RUNS = 5_000;
/** The wall time all of a campaign's shrinking may take, by default (`--shrink-budget-ms`). */
export const DEFAULT_SHRINK_BUDGET_MS = 20_000;

/** A failure's shrunk run, as `test --json` reports it next to the original `events`. */
export interface ShrunkReport extends RunSize {
  /** The schedule file, as a path from the working directory (or absolute). */
  readonly schedule: string;
  readonly replay: string;
  /** The original run's size. */
  readonly from: RunSize;
  readonly runs: number;
  /** Why something was not shrunk, when something was not. */
  readonly notes?: readonly string[];
}

export interface ShrinkFailuresOptions {
  readonly dir: string;
  readonly cwd: string;
  /** The wall clock the budget is measured with. */
  readonly clock: () => number;
  /** Wall time for all the shrinking (default `DEFAULT_SHRINK_BUDGET_MS`). */
  readonly budgetMs?: number;
  /** Progress of failure `index` (from 0) of `total` being shrunk. */
  readonly onProgress?: (index: number, total: number, failure: CampaignFailure, progress: ShrinkProgress) => void;
}

/**
 * Shrinks the first `SHRUNK_FAILURES` failures in seed order, writes their schedules to
 * `dir`, and returns every failure with `shrunk` where it was. The wall budget is shared
 * and spent in order: the first failure may use all of it, and a later one is shrunk only
 * while some is left. A user reads the first counterexample; one small story is worth
 * more than five half-shrunk ones.
 */
export function shrinkFailures<F extends CampaignFailure>(setup: RunSetup, failures: readonly F[], options: ShrinkFailuresOptions): (F & { shrunk?: ShrunkReport })[] {
  const { clock, budgetMs = DEFAULT_SHRINK_BUDGET_MS } = options;
  const deadline = clock() + budgetMs;
  const total = Math.min(SHRUNK_FAILURES, failures.length);
  return failures.map((f, k) => {
    if (k >= SHRUNK_FAILURES) return f;
    const started = clock();
    if (k > 0 && started >= deadline) return f;
    const s = shrink({ ...setup.options, seed: seedValue(f.seed) }, f, {
      maxRuns: SHRINK_MAX_RUNS,
      budgetMs: Math.max(0, deadline - started),
      clock,
      ...(options.onProgress ? { onProgress: (p: ShrinkProgress) => options.onProgress!(k, total, f, p) } : {}),
    });
    const schedule = writeSchedule(options.dir, s.schedule, options.cwd);
    const shrunk: ShrunkReport = {
      ...s.shrunk,
      schedule,
      replay: ['faultline', 'replay', setup.inputs.protocolArg, '--schedule', schedule].map(shellQuote).join(' '),
      from: s.original,
      runs: s.runs,
      ...(s.notes.length > 0 ? { notes: s.notes } : {}),
    };
    return { ...f, shrunk };
  });
}
