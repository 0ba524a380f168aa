import type { CampaignProgress } from '@faultline/simulator';
import type { FailureReport, TestReport } from '../../test-report.ts';

/** One seed as the campaign finished it: when (wall ms from the start), its events, whether it failed. */
export interface SeedSample {
  readonly wallMs: number;
  readonly events: number;
  readonly failed: boolean;
}

/** What the campaign report draws. `seeds` only when the campaign was watched as it ran (`test --report`). */
export interface CampaignPlotData {
  readonly title: string;
  readonly seedsRun: number;
  readonly events: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly failures: readonly FailureReport[];
  readonly seeds: readonly SeedSample[] | undefined;
}

/**
 * Watches a campaign's progress (called after every seed, in the order seeds finish) and
 * keeps one sample per seed: the events of a seed are the growth of the running total, a
 * seed failed when the failure count grew.
 */
export class CampaignRecorder {
  readonly seeds: SeedSample[] = [];
  private events = 0;
  private failures = 0;
  constructor(private readonly clock: () => number, private readonly startMs = clock()) {}

  onProgress(p: CampaignProgress): void {
    this.seeds.push({ wallMs: this.clock() - this.startMs, events: p.events - this.events, failed: p.failures > this.failures });
    this.events = p.events;
    this.failures = p.failures;
  }
}

/** The campaign report's data from a `test` report (its `--json` object, or a merge of shards'), with the samples when there are some. */
export function campaignPlotData(report: TestReport, seeds?: readonly SeedSample[]): CampaignPlotData {
  return {
    title: `${report.protocol}${report.bug !== null ? ` (bug ${report.bug})` : ''}: ${report.seedsRun} seeds from ${report.firstSeed}`,
    seedsRun: report.seedsRun,
    events: report.events,
    simulatedMs: report.simulatedMs,
    wallMs: report.wallMs,
    failures: report.failures,
    seeds,
  };
}
