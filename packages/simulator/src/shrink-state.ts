import { ChoiceOverrun, type ChoiceSequence } from './choices.ts';
import { ConfigError } from './config-error.ts';
import { resolveConfig, type Scenario, type SimOptions } from './scenario.ts';
import type { StrategyOptions } from './explore/strategy.ts';
import { simulate, type SimResult } from './simulation.ts';

/** How big a run is. `faults` counts fault events (a crash and its restart are two). */
export interface RunSize {
  readonly events: number;
  readonly faults: number;
  readonly requests: number;
}

/** The smallest failing run found so far: its scenario, the choices it drew, and what it did. */
export interface Candidate {
  readonly scenario: Scenario;
  readonly choices: ChoiceSequence;
  readonly result: SimResult;
}

export interface ShrinkLimits {
  readonly maxRuns: number;
  /** A wall clock reading at which no candidate starts any more (Infinity: none). */
  readonly deadline: number;
  readonly clock: (() => number) | undefined;
  readonly onRun: (state: ShrinkState) => void;
}

/**
 * What every shrink pass shares: the best run so far and a way to try a candidate.
 * A candidate replays a choice sequence under a scenario; it is kept when it fails with
 * the same property and is smaller in the order of `smaller` (events first). It runs
 * with `maxEvents` set to the best's events, so a candidate that would run longer
 * stops as soon as it cannot win.
 */
export class ShrinkState {
  runs = 0;
  exhausted = false;
  outOfTime = false;
  best!: Candidate;
  original!: RunSize;
  /** While set, `tryScenario` reruns a scenario from the seed (recording its choices) instead of replaying the best's. */
  fromSeed = false;
  /** When the last run started, and the longest time from one run's start to the next's (a candidate and its pass's work), on the lent clock. */
  private lastStart: number | undefined;
  private longestMs = 0;

  constructor(
    private readonly options: Pick<SimOptions, 'protocol' | 'seed' | 'bug'>,
    private readonly strategy: StrategyOptions | undefined,
    readonly property: string,
    private readonly limits: ShrinkLimits,
  ) {}

  get maxRuns(): number {
    return this.limits.maxRuns;
  }

  /**
   * Runs `scenario` (replaying `choices`, or from the seed while recording); undefined when
   * the budget is spent or the scenario is invalid. With `trace: 'full'` the result has the
   * run's records (a pass that reads the best run's story: `sliceCut`). A recording run
   * may draw from another `seed` than the shrink's (`tryFresh`).
   */
  run(scenario: Scenario, choices: ChoiceSequence | undefined, maxEvents?: number, trace: 'none' | 'full' = 'none', seed = this.options.seed): SimResult | undefined {
    const { maxRuns, deadline, clock } = this.limits;
    if (this.runs >= maxRuns - 1) {
      this.exhausted = true;
      return undefined;
    }
    // The first two runs (the original, its explicit plan) always run: there is no result
    // without them. After them a candidate starts only while two of the longest runs so far
    // fit in what is left, one for it and one for the final run that hashes the best: so
    // the whole shrink ends within its wall budget rather than a run or two after it.
    const now = clock?.();
    if (now !== undefined) {
      if (this.lastStart !== undefined) this.longestMs = Math.max(this.longestMs, now - this.lastStart);
      if (this.runs >= 2 && now + 2 * this.longestMs >= deadline) {
        this.exhausted = this.outOfTime = true;
        return undefined;
      }
    }
    const capped = maxEvents === undefined ? scenario : { ...scenario, maxEvents };
    const base = { ...this.options, seed, scenario: capped, ...(this.strategy ? { strategy: this.strategy } : {}) };
    try {
      resolveConfig(base);
    } catch (err) {
      if (err instanceof ConfigError) return undefined;
      throw err;
    }
    this.runs++;
    this.lastStart = now;
    try {
      return simulate({ ...base, trace, ...(choices === undefined ? { recordChoices: true } : { choices }) });
    } catch (err) {
      if (err instanceof ChoiceOverrun) return undefined;
      throw err;
    } finally {
      // A traced run costs more than a candidate or the final run: what is kept back for those is not measured on it.
      if (trace === 'full') this.lastStart = undefined;
    }
  }

  fails(r: SimResult | undefined): r is SimResult {
    return r?.violation?.property === this.property;
  }

  /**
   * Tries a candidate; keeps it (and returns true) when it fails the same way and is
   * smaller than the best. While its quiet time is cut below `fullQuietMs`, it must also
   * fail with the quiet time given back (one run more, on a candidate that would be kept).
   */
  attempt(scenario: Scenario, choices: ChoiceSequence | undefined): boolean {
    if (this.exhausted) return false;
    const r = this.run(scenario, choices, this.best.result.events);
    const kept = this.fails(r) && r.events <= this.original.events && smaller(r, this.best.result) && this.failsUnhurried(scenario, r.choices!);
    if (kept) this.best = { scenario, choices: r.choices!, result: r };
    if (r !== undefined) this.limits.onRun(this);
    return kept;
  }

  /**
   * Set by `shorterQuiet` (a property checked once the run has been quiet): the quiet time
   * of the run as the protocol gave it. A run with less quiet time is kept only if it also
   * fails with this much: otherwise what failed had merely not finished yet, which any
   * later cut (a crash removed, fewer requests) could make the whole of the failure.
   */
  fullQuietMs: number | undefined;

  /** How many other seeds random restarts have drawn from (`freshDraws`). */
  freshSeeds = 0;

  private failsUnhurried(scenario: Scenario, choices: ChoiceSequence): boolean {
    const full = this.fullQuietMs;
    if (full === undefined || scenario.quietMs === undefined || scenario.quietMs >= full) return true;
    return this.fails(this.run({ ...scenario, quietMs: full }, choices));
  }

  /** Tries other choices under the best scenario. */
  tryChoices(choices: ChoiceSequence): boolean {
    return this.attempt(this.best.scenario, choices);
  }

  /**
   * A random restart near the best: `scenario` drawn afresh from another seed, and when
   * that run fails the same way, its choices tried as a candidate within limits
   * (`tryWithinLimits`), replayed under the shrink's own seed (a replay draws nothing from
   * the seed, so the schedule stays the shrink's). Undefined when the scenario is invalid.
   */
  tryFresh(scenario: Scenario, seed: string): boolean | undefined {
    if (this.exhausted) return false;
    const r = this.run(scenario, undefined, this.best.result.events, 'none', seed);
    if (r === undefined) return this.exhausted ? false : undefined;
    if (!this.fails(r)) {
      this.limits.onRun(this);
      return false;
    }
    return this.tryWithinLimits(scenario, r.choices!);
  }

  /** Tries another scenario with the best choices (or from the seed: `fromSeed`). */
  tryScenario(scenario: Scenario): boolean {
    return this.attempt(scenario, this.fromSeed ? undefined : this.best.choices);
  }

  /**
   * `tryScenario` (or `attempt` with `choices`) for a cut of the cluster (founders, late
   * joiners), of the options or of the quiet time, or for a random restart, kept only if the correct version, replaying the same choices under it, does not fail
   * the same way. A smaller cluster or other timings may be past what the protocol is
   * meant to survive (primary-backup with three founders loses acknowledged writes to a
   * crash cascade), and a failure there would be a counterexample of that limit, not of
   * the bug. A run of the correct version (no bug) has nothing to compare with. The check
   * is one run more.
   */
  tryWithinLimits(scenario: Scenario, choices?: ChoiceSequence): boolean {
    const previous = this.best;
    if (!(choices === undefined ? this.tryScenario(scenario) : this.attempt(scenario, choices))) return false;
    if (this.options.bug === undefined) return true;
    if (this.runs >= this.maxRuns - 1) {
      // No run left to check it with: not kept.
      this.best = previous;
      this.exhausted = true;
      return false;
    }
    this.runs++;
    let correct;
    try {
      const { protocol, seed } = this.options;
      correct = simulate({ protocol, seed, scenario: this.best.scenario, choices: this.best.choices, ...(this.strategy ? { strategy: this.strategy } : {}), trace: 'none' });
    } catch (err) {
      if (err instanceof ChoiceOverrun || err instanceof ConfigError) return true;
      throw err;
    }
    if (!this.fails(correct)) return true;
    this.best = previous;
    return false;
  }
}

export function sizeOf(r: SimResult): RunSize {
  return { events: r.events, faults: r.plan.length, requests: r.history.length };
}

/**
 * The order runs shrink in: fewer events; then fewer faults (fault events, and the drops
 * and duplicates the network streams drew: each is a record of the trace, and of the
 * slice when it cuts a message that matters); then fewer requests; then fewer choices
 * drawn; then a smaller sum of them. Strict, so shrinking ends.
 */
export function smaller(a: SimResult, b: SimResult): boolean {
  const ka = orderKey(a);
  const kb = orderKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]!;
  return false;
}

function orderKey(r: SimResult): number[] {
  let count = 0;
  let sum = 0;
  let lossy = 0;
  for (const [label, values] of Object.entries(r.choices ?? {})) {
    count += values.length;
    // A network stream draws no integers: a value of 1 there is a drop or a duplicate.
    const network = label.startsWith('network/');
    for (const v of values) {
      sum += v;
      if (network && v >= 1) lossy++;
    }
  }
  return [r.events, r.plan.length + lossy, r.history.length, count, sum];
}
