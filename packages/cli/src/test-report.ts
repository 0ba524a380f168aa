import type { CampaignFailure } from '@faultline/simulator';
import type { SliceReport } from './failure-slice.ts';
import type { ShrunkReport } from './shrink-failures.ts';

/** Where a shard's seeds sit in its campaign (`test --shard i/n`). */
export interface ShardInfo {
  readonly index: number;
  readonly count: number;
  /** The whole campaign's range: [firstSeed, firstSeed + seeds). */
  readonly firstSeed: string;
  readonly seeds: number;
  readonly failFast: boolean;
}

/** A failing seed, as the campaign found it and replayed it; with `shrunk` when it was shrunk (and its causal slice). */
export type FailureReport = CampaignFailure & { readonly shrunk?: ShrunkReport & { readonly slice?: SliceReport } };

/** `test --json`: one object. `faultline merge` prints the same for its shards together. */
export interface TestReport {
  readonly ok: boolean;
  readonly protocol: string;
  readonly bug: string | null;
  readonly faults: readonly string[];
  /** The range asked for: [firstSeed, firstSeed + seeds) (a shard's own slice). */
  readonly firstSeed: string;
  readonly seeds: number;
  /** Only with `--shard`. */
  readonly shard?: ShardInfo;
  /** Fewer than `seeds` when fail-fast stopped the run. */
  readonly seedsRun: number;
  readonly events: number;
  readonly simulatedMs: number;
  /** Wall time of the whole command, shrinking included. */
  readonly wallMs: number;
  /** Of `wallMs`, the part spent after the campaign: shrinking failures (and replaying the shrunk ones for their causal slices). */
  readonly shrinkMs: number;
  /** Things that are not violations but that a user should know (a Ken outbox pile-up). */
  readonly warnings?: readonly string[];
  readonly failures: readonly FailureReport[];
  /** Under `--strategy pct`: its depth, its step count and where that came from. */
  readonly pct?: { readonly depth: number; readonly steps: number; readonly stepsFrom: string };
}

/** Simulated time as reported: whole microseconds, so that sums in any grouping agree. */
export function reportedMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
