import { simulate, type SimResult } from './simulation.ts';
import type { SimOptions } from './scenario.ts';

export interface CampaignOptions extends Omit<SimOptions, 'seed' | 'trace'> {
  /** How many seeds to run: `firstSeed`, `firstSeed + 1`, ... */
  readonly seeds: number;
  readonly firstSeed?: number;
  /** Stop at the first failing seed. */
  readonly failFast?: boolean;
  /** The command that replays one seed, shown with each failure. */
  readonly replayCommand?: (seed: string) => string;
  /** Called after every seed. */
  readonly onProgress?: (progress: CampaignProgress) => void;
  /** Called with each failure as it is found (confirmed), before the campaign ends. */
  readonly onFailure?: (failure: CampaignFailure) => void;
}

export interface CampaignProgress {
  readonly done: number;
  readonly total: number;
  readonly failures: number;
  readonly events: number;
}

export interface CampaignFailure {
  readonly seed: string;
  readonly property: string;
  readonly message: string;
  readonly atMs: number;
  readonly events: number;
  readonly traceHash: string;
  readonly replay: string;
}

/** The largest Ken outbox of a campaign: `entries` unacknowledged messages from `node` to `peer` in `seed`. */
export interface OutboxPeak {
  readonly seed: string;
  readonly node: string;
  readonly peer: string;
  readonly entries: number;
}

/** The larger of two outbox peaks; on a tie the one seen first (the lower seed) stays. */
export function largerOutboxPeak(a: OutboxPeak | undefined, b: OutboxPeak | undefined): OutboxPeak | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.entries > a.entries ? b : a;
}

/** A run's largest Ken outbox, if it ran under Ken. */
export function outboxPeakOf(seed: string, result: SimResult): OutboxPeak | undefined {
  let peak: OutboxPeak | undefined;
  for (const k of result.ken ?? [])
    if (k.outboxPeakPeer !== undefined) peak = largerOutboxPeak(peak, { seed, node: k.node, peer: k.outboxPeakPeer, entries: k.outboxPeak });
  return peak;
}

export interface CampaignResult {
  readonly ok: boolean;
  readonly protocol: string;
  readonly bug: string | undefined;
  readonly seedsRun: number;
  readonly failures: CampaignFailure[];
  /** Simulation events over all seeds. */
  readonly events: number;
  /** Simulated ms over all seeds. */
  readonly simulatedMs: number;
  /** Under Ken: the largest outbox any node had to one peer, over all seeds run. */
  readonly kenOutboxPeak?: OutboxPeak;
}

/** The command line that replays `seed` of a campaign, for failure reports. */
export function defaultReplayCommand(protocol: string, bug: string | undefined): (seed: string) => string {
  return (seed) => `faultline replay ${protocol} --seed ${seed}${bug ? ` --bug ${bug}` : ''}`;
}

/**
 * Runs many seeds. Each runs without a trace, for speed; a failing seed is run again with
 * its trace hashed, which also proves the failure replays (a different outcome on the
 * second run is reported as nondeterminism, never hidden).
 */
export function campaign(options: CampaignOptions): CampaignResult {
  const { seeds, firstSeed = 1, failFast = false, onProgress } = options;
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a positive integer, not ${seeds}`);
  if (!Number.isSafeInteger(firstSeed)) throw new RangeError(`firstSeed must be an integer, not ${firstSeed}`);
  const replay = options.replayCommand ?? defaultReplayCommand(options.protocol.name, options.bug);
  const failures: CampaignFailure[] = [];
  let events = 0;
  let simulatedMs = 0;
  let run = 0;
  let kenOutboxPeak: OutboxPeak | undefined;
  for (let i = 0; i < seeds; i++) {
    const seed = firstSeed + i;
    const result = simulate({ ...options, seed, trace: 'none' });
    run++;
    events += result.events;
    simulatedMs += result.endMs;
    kenOutboxPeak = largerOutboxPeak(kenOutboxPeak, outboxPeakOf(String(seed), result));
    if (!result.ok) {
      const failure = confirmFailure(options, seed, result, replay);
      failures.push(failure);
      options.onFailure?.(failure);
    }
    onProgress?.({ done: run, total: seeds, failures: failures.length, events });
    if (failFast && failures.length > 0) break;
  }
  return {
    ok: failures.length === 0,
    protocol: options.protocol.name,
    bug: options.bug,
    seedsRun: run,
    failures,
    events,
    simulatedMs,
    ...(kenOutboxPeak !== undefined ? { kenOutboxPeak } : {}),
  };
}

function confirmFailure(
  options: CampaignOptions,
  seed: number,
  first: SimResult,
  replay: (seed: string) => string,
): CampaignFailure {
  const again = simulate({ ...options, seed, trace: 'hash' });
  const v = first.violation!;
  const w = again.violation;
  if (w === undefined || w.property !== v.property || w.eventIndex !== v.eventIndex || again.events !== first.events) {
    throw new Error(
      `nondeterminism: seed ${seed} of ${options.protocol.name} failed '${v.property}' at event ${v.eventIndex} ` +
        `but its replay ${w ? `failed '${w.property}' at event ${w.eventIndex}` : 'passed'}; ` +
        'some protocol or property code reads state outside the simulator',
    );
  }
  return {
    seed: String(seed),
    property: v.property,
    message: v.message,
    atMs: v.atMs,
    events: first.events,
    traceHash: again.traceHash!,
    replay: replay(String(seed)),
  };
}
