import type { ChalkInstance } from 'chalk';
import { causalSlice, scheduleOptions, simulate, type CausalSlice, type SimResult } from '@faultline/simulator';
import type { Output } from './io.ts';
import { seedValue, type RunSetup } from './run-setup.ts';
import { loadSchedule } from './schedule-file.ts';
import { sliceStory } from './slice-story.ts';
import type { FailureReport } from './test-report.ts';

/** A causal slice as `--json` reports it: its size and the positions of its records in the trace. */
export interface SliceReport {
  readonly size: number;
  /** Records in the whole trace (`replay --out`'s lines), of which the slice keeps `size`. */
  readonly of: number;
  /** 0-based positions in the trace, ascending; the violation is the last. */
  readonly records: readonly number[];
}

export function sliceReport(trace: readonly unknown[], slice: CausalSlice): SliceReport {
  return { size: slice.records.length, of: trace.length, records: slice.records };
}

/** The failure's run with its full trace: the shrunk schedule's when it was shrunk, else its seed's. */
export function failureRun(setup: RunSetup, f: FailureReport, cwd: string): SimResult {
  if (f.shrunk === undefined) return simulate({ ...setup.options, seed: seedValue(f.seed), trace: 'full' });
  return simulate({ ...scheduleOptions(setup.protocol.definition, loadSchedule(f.shrunk.schedule, cwd)), trace: 'full' });
}

/** A failure's run and its causal slice (undefined when that run, unexpectedly, passes). */
export interface SlicedFailure {
  readonly run: SimResult;
  readonly slice: CausalSlice | undefined;
}

export function sliceFailure(setup: RunSetup, f: FailureReport, cwd: string): SlicedFailure {
  const run = failureRun(setup, f, cwd);
  return { run, slice: causalSlice(run.trace ?? []) };
}

/** The failures with `shrunk.slice` added to each shrunk one, its slice of the shrunk run. */
export function withSlices(setup: RunSetup, failures: readonly FailureReport[], cwd: string): FailureReport[] {
  return failures.map((f) => {
    if (f.shrunk === undefined) return f;
    const { run, slice } = sliceFailure(setup, f, cwd);
    return slice === undefined ? f : { ...f, shrunk: { ...f.shrunk, slice: sliceReport(run.trace ?? [], slice) } };
  });
}

/** Story lines `test` prints for its first failure at most; a longer story shows its end. */
export const STORY_LINES = 80;

/**
 * The first failure's causal slice as `test` prints it: the story of its shrunk run (or
 * of its own run, unshrunk), its last `STORY_LINES` lines when longer, from a step's start.
 */
export function firstFailureStory(out: Output, setup: RunSetup, f: FailureReport): string[] {
  const { run, slice } = sliceFailure(setup, f, out.cwd);
  if (slice === undefined) return [];
  const lines = sliceStory(run.trace ?? [], slice, out.c, out.traceWidth, f.shrunk ? ' of the shrunk run' : '');
  return storyTail(lines, STORY_LINES, `${f.shrunk?.replay ?? f.replay} --slice`, out.c);
}

/** A story's title and its last `max` lines or fewer, from the start of a step, saying where the rest is. */
export function storyTail(lines: readonly string[], max: number, whole: string, c: ChalkInstance): string[] {
  const [title, ...story] = lines;
  if (story.length <= max) return [...lines];
  let from = story.length - max;
  while (from < story.length - 1 && !/^\s*\d+\./.test(story[from]!)) from++;
  return [title!, c.dim(`  ⋯ ${from} earlier lines; all of it: ${whole}`), ...story.slice(from)];
}
