import { shrink, type CampaignFailure, type RunSize } from '@faultline/simulator';
import { shellQuote } from './replay-command.ts';
import { seedValue, type RunSetup } from './run-setup.ts';
import { writeSchedule } from './schedule-file.ts';

/** Failures shrunk after a campaign (the first ones, in seed order), to bound the time it takes. */
export const SHRUNK_FAILURES = 5;
/** Simulations one failure's shrinking may run. */
export const SHRINK_MAX_RUNS = 200;

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

/** Shrinks the first `SHRUNK_FAILURES` failures, writes their schedules to `dir`, and returns every failure with `shrunk` where it was. */
export function shrinkFailures<F extends CampaignFailure>(setup: RunSetup, failures: readonly F[], dir: string, cwd: string): (F & { shrunk?: ShrunkReport })[] {
  return failures.map((f, k) => {
    if (k >= SHRUNK_FAILURES) return f;
    const s = shrink({ ...setup.options, seed: seedValue(f.seed) }, f, { maxRuns: SHRINK_MAX_RUNS });
    const schedule = writeSchedule(dir, s.schedule, cwd);
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
