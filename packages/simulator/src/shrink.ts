import { resolveConfig, type Scenario, type SimOptions } from './scenario.ts';
import { SCHEDULE_VERSION, type Schedule } from './schedule.ts';
import { COARSE_PASSES, FINE_PASSES, PassScheduler } from './shrink-passes.ts';
import { ShrinkState, sizeOf, type RunSize } from './shrink-state.ts';
import { simulate } from './simulation.ts';
import type { Violation } from './trace.ts';

export type { RunSize } from './shrink-state.ts';

export interface ShrinkOptions {
  /** Candidate runs at most (default 5,000: the wall budget is what binds); the original run and the final hashed run count too. */
  readonly maxRuns?: number;
  /**
   * A wall-time budget in ms, measured with `clock` (both or neither): no candidate starts
   * after it has run out. The simulator never reads a clock itself; the caller lends one.
   */
  readonly budgetMs?: number;
  readonly clock?: () => number;
  /** Called after every candidate run, for a progress display. */
  readonly onProgress?: (progress: ShrinkProgress) => void;
}

export interface ShrinkProgress {
  readonly runs: number;
  readonly maxRuns: number;
  /** The smallest failing run so far. */
  readonly best: RunSize;
  /** The original run's size. */
  readonly original: RunSize;
}

export interface ShrinkResult {
  readonly property: string;
  readonly original: RunSize;
  readonly shrunk: RunSize;
  /** Replays the shrunk run exactly (`scheduleOptions`): its scenario and its choice sequence. */
  readonly schedule: Schedule;
  readonly violation: Violation;
  readonly traceHash: string;
  /** Simulations run, the original and the final hashed one included. */
  readonly runs: number;
  /** False when the plan made explicit did not fail the same way: faults were left to the generator. */
  readonly faultsShrunk: boolean;
  /** The budget ran out before every step was tried. */
  readonly budgetExhausted: boolean;
  /** Why something was not shrunk, when something was not. */
  readonly notes: readonly string[];
  /** Per pass that ran: its candidate runs and the events it removed from the best run. */
  readonly passes: { readonly [pass: string]: { readonly runs: number; readonly gain: number } };
}

const DEFAULT_MAX_RUNS = 5_000;
const MAX_ROUNDS = 4;

/**
 * Searches for a smaller run that fails with the same property as `options` did. The
 * original run is rerun recording its choices (`ChoiceSequence`), with its fault plan made
 * explicit (generator off); from then on every candidate replays the best run's choices
 * with one edit, so an edit changes what it names and nothing else. In rounds until
 * nothing shrinks: the coarse passes (`COARSE_PASSES`: a few runs each, on the scenario,
 * its structure and the choices), then the fine ones (`FINE_PASSES`), each round
 * ordered by what the passes removed per run the last time (`PassScheduler`): on the
 * heavy runs (thousands of events, under a second each on a loaded machine) the few
 * runs the budget allows go where they pay. A candidate is kept only if
 * it fails with the same property and is smaller (`smaller`: events first). Bounded by
 * `maxRuns` simulations and the wall budget.
 */
export function shrink(options: SimOptions, violation: Pick<Violation, 'property'>, shrinkOptions: ShrinkOptions = {}): ShrinkResult {
  const maxRuns = shrinkOptions.maxRuns ?? DEFAULT_MAX_RUNS;
  if (!Number.isInteger(maxRuns) || maxRuns < 2) throw new RangeError(`maxRuns must be an integer >= 2, not ${maxRuns}`);
  const { budgetMs, clock, onProgress } = shrinkOptions;
  if ((budgetMs === undefined) !== (clock === undefined)) throw new RangeError('budgetMs and clock go together');
  if (budgetMs !== undefined && !(budgetMs >= 0)) throw new RangeError(`budgetMs must be >= 0, not ${budgetMs}`);
  const deadline = clock !== undefined && budgetMs !== undefined ? clock() + budgetMs : Infinity;
  const { protocol, seed, bug } = options;
  // The strategy stays as it was: under PCT the same scenario is another run.
  const strategy = options.strategy?.kind === 'pct' ? options.strategy : undefined;
  const property = violation.property;
  const notes: string[] = [];
  const s = new ShrinkState({ protocol, seed, bug }, strategy, property, {
    maxRuns,
    deadline,
    clock,
    onRun: (st) => onProgress?.({ runs: st.runs, maxRuns, best: sizeOf(st.best.result), original: st.original }),
  });

  const config = resolveConfig(options);
  const given = options.scenario ?? {};
  const ken = options.ken ?? given.ken;
  const folded: Scenario = { ...given, faults: config.faults, durationMs: config.durationMs, ...(ken !== undefined ? { ken } : {}) };
  const first = s.run(folded, undefined);
  if (!s.fails(first)) throw new Error(`shrink: seed ${seed} of ${protocol.name} does not fail '${property}'`);
  s.original = sizeOf(first);
  s.best = { scenario: folded, choices: first.choices!, result: first };
  const explicit: Scenario = { ...folded, faults: [], faultPlan: first.plan, network: config.network };
  const reproduced = s.run(explicit, first.choices);
  const faultsShrunk = s.fails(reproduced) && reproduced.events <= first.events;
  if (faultsShrunk) s.best = { scenario: explicit, choices: reproduced.choices!, result: reproduced };
  else notes.push('the fault plan made explicit did not reproduce the failure: faults were not shrunk');

  // Rounds of the coarse passes until they stop paying, then the fine ones; again while those find something.
  const passes = new PassScheduler(s, { protocol, seed, ...(bug !== undefined ? { bug } : {}) }, faultsShrunk);
  for (let outer = 0; outer < MAX_ROUNDS && !s.exhausted; outer++) {
    for (let round = 0; round < MAX_ROUNDS && !s.exhausted; round++) if (!passes.round(COARSE_PASSES)) break;
    if (s.exhausted || !passes.round(FINE_PASSES)) break;
  }

  const best = s.best;
  s.runs++;
  const final = simulate({ protocol, seed, bug, scenario: best.scenario, choices: best.choices, ...(strategy ? { strategy } : {}), trace: 'hash' });
  if (!s.fails(final)) throw new Error(`shrink: the shrunk run of seed ${seed} of ${protocol.name} did not fail again (nondeterminism)`);
  if (s.outOfTime) notes.push(`the wall budget of ${budgetMs} ms ran out`);
  else if (s.exhausted) notes.push(`the budget of ${maxRuns} runs ran out`);
  if (final.events === s.original.events) notes.push('no run with fewer events failed the same way');
  const quietMs = best.scenario.quietMs;
  if (s.fullQuietMs !== undefined && quietMs !== undefined && quietMs < s.fullQuietMs)
    notes.push(`the quiet time before '${property}' is checked was cut from ${s.fullQuietMs} to ${quietMs} ms: the run fails the same way with the whole of it too`);
  const schedule: Schedule = {
    faultline: 'schedule',
    version: SCHEDULE_VERSION,
    protocol: protocol.name,
    seed,
    bug: bug ?? null,
    property,
    scenario: best.scenario,
    ...(strategy ? { strategy } : {}),
    choices: final.choices!,
  };
  return {
    property,
    original: s.original,
    shrunk: sizeOf(final),
    schedule,
    violation: final.violation!,
    traceHash: final.traceHash!,
    runs: s.runs,
    faultsShrunk,
    budgetExhausted: s.exhausted,
    notes,
    passes: Object.fromEntries([...passes.records].map(([name, r]) => [name, { runs: r.runs, gain: r.gain }])),
  };
}
