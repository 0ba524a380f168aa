import type { SimOptions } from './scenario.ts';
import { deleteSpans, dropGroups, dropStreams, lowerValues, raiseValues, sortStreams, truncateAll, truncateStreams, zeroSpans } from './shrink-choices.ts';
import { compressTime, quietNetwork } from './shrink-compress.ts';
import { earlierPlan, earlierUnits, fewerClients, fewerRequests, freshDraws, removeFaults, shorterQuiet, shorterRun, shorterUnits, shrinkNodes, simplerOptions } from './shrink-scenario.ts';
import { sliceCut } from './shrink-slice.ts';
import type { Candidate, ShrinkState } from './shrink-state.ts';
import { capClients, dropLateJoiners, skipFirstOperations, skipLaterOperations } from './shrink-structure.ts';

export type PassOptions = Pick<SimOptions, 'protocol' | 'seed' | 'bug'>;

export interface Pass {
  readonly name: string;
  readonly run: (s: ShrinkState, options: PassOptions) => void;
  /** An edit of the explicit fault plan or of the scenario around it: skipped when the plan made explicit did not reproduce the failure. */
  readonly scenario?: true;
}

/**
 * The coarse passes, in the order of a first round: each costs a few runs (one, or a
 * bisection), the cheapest and those that remove the most first: every drop and
 * duplicate off (one run), the quiet time before a property checked at the end cut (a
 * bisection), what the causal slice does not need cut (a few runs), fault units removed, each client's operations cut, requests
 * capped, the whole plan moved earlier, then clients, nodes, late joiners, the duration,
 * and the coarse choice passes.
 */
export const COARSE_PASSES: readonly Pass[] = [
  { name: 'quietNetwork', run: quietNetwork },
  { name: 'shorterQuiet', run: shorterQuiet, scenario: true },
  { name: 'sliceCut', run: sliceCut, scenario: true },
  { name: 'removeFaults', run: removeFaults, scenario: true },
  { name: 'capClients', run: capClients },
  { name: 'fewerRequests', run: fewerRequests, scenario: true },
  { name: 'earlierPlan', run: earlierPlan, scenario: true },
  { name: 'fewerClients', run: fewerClients, scenario: true },
  { name: 'shrinkNodes', run: shrinkNodes, scenario: true },
  { name: 'dropLateJoiners', run: dropLateJoiners, scenario: true },
  { name: 'simplerOptions', run: simplerOptions, scenario: true },
  { name: 'shorterRun', run: shorterRun, scenario: true },
  { name: 'dropGroups', run: dropGroups },
  { name: 'truncateAll', run: truncateAll },
  { name: 'compressTime', run: compressTime },
  { name: 'seededScenario', run: seededScenario, scenario: true },
];

/**
 * The scenario-only shrinker that came before choice sequences, kept as a pass so that
 * shrinking is never worse than it was: protocol options (its pace: slower timers, where
 * a replayed run seldom fails the same way once its timers move), faults, requests and
 * clients cut with every
 * candidate rerun from the seed (recording its choices), not replaying the best run's.
 * Such a candidate is another run of the seed, which sometimes fails much smaller (a
 * random restart) where the replayed one keeps the old run's shape. Its network draws
 * are the seed's, drops and duplicates included, so a kept one is quieted at once.
 */
export function seededScenario(s: ShrinkState, options: PassOptions): void {
  const start = s.best;
  s.fromSeed = true;
  try {
    for (const pass of [removeFaults, fewerRequests, fewerClients]) if (!s.exhausted) pass(s, options);
  } finally {
    s.fromSeed = false;
  }
  // A kept candidate drew its drops and duplicates from the seed again: off with them now,
  // or a budget that ends before the next round's `quietNetwork` leaves them in the result.
  if (s.best !== start) quietNetwork(s);
}

/**
 * The fine passes: they cost runs in proportion to the fault units, the streams or the
 * choices, so they come after the coarse ones stop paying. Last, random restarts near the
 * best (`freshDraws`): a way out of a local minimum, tried when the edits stop paying (as
 * a coarse pass they pulled the search into other minima, as often worse as better).
 */
export const FINE_PASSES: readonly Pass[] = [
  { name: 'earlierUnits', run: earlierUnits, scenario: true },
  { name: 'shorterUnits', run: shorterUnits, scenario: true },
  { name: 'dropStreams', run: dropStreams },
  { name: 'truncateStreams', run: truncateStreams },
  { name: 'deleteSpans', run: deleteSpans },
  { name: 'zeroSpans', run: zeroSpans },
  { name: 'sortStreams', run: sortStreams },
  { name: 'skipFirstOperations', run: skipFirstOperations },
  { name: 'skipLaterOperations', run: skipLaterOperations },
  { name: 'lowerValues', run: lowerValues },
  { name: 'raiseValues', run: raiseValues },
  { name: 'freshDraws', run: freshDraws, scenario: true },
];

/** What a pass did the last time it ran, and over the whole shrink. */
export interface PassRecord {
  runs: number;
  /** Events removed from the best run. */
  gain: number;
  lastRuns: number;
  lastGain: number;
  /** The best run, when the pass last ran without changing it. */
  after: Candidate | undefined;
}

/**
 * Runs tiers of passes, adaptively ordered (as Hypothesis favours the passes that
 * recently made progress): within a tier, a pass not yet run keeps its place, and after
 * the first round the passes that removed the most events per run last time come
 * first; the ones that removed nothing wait until the rest stop paying (`round`). Under
 * a wall budget that puts the runs where they paid.
 */
export class PassScheduler {
  readonly records = new Map<string, PassRecord>();

  constructor(
    private readonly s: ShrinkState,
    private readonly options: PassOptions,
    private readonly withScenario: boolean,
  ) {}

  /**
   * One round of `tier`; true when it shrank the best run. The passes that removed
   * nothing the last time they ran are deferred: they run only when the others remove
   * nothing either, so a round that returns false has tried every pass.
   */
  round(tier: readonly Pass[]): boolean {
    const start = this.s.best.result;
    const passes = this.order(tier).filter((p) => !p.scenario || this.withScenario);
    const idle = passes.filter((p) => this.records.get(p.name)?.lastGain === 0);
    for (const pass of passes) if (!idle.includes(pass)) this.runPass(pass);
    if (this.s.best.result === start) for (const pass of idle) this.runPass(pass);
    return this.s.best.result !== start;
  }

  private runPass(pass: Pass): void {
    if (this.s.exhausted) return;
    // A pass is a function of the best run: on the same best as when it last found nothing it would rerun the same candidates.
    const last = this.records.get(pass.name);
    if (last !== undefined && last.lastGain === 0 && last.after === this.s.best) return;
    const runs = this.s.runs;
    const start = this.s.best;
    const events = this.s.best.result.events;
    pass.run(this.s, this.options);
    const r = this.records.get(pass.name) ?? { runs: 0, gain: 0, lastRuns: 0, lastGain: 0, after: undefined };
    r.lastRuns = this.s.runs - runs;
    r.lastGain = events - this.s.best.result.events;
    r.after = this.s.best === start ? start : undefined;
    r.runs += r.lastRuns;
    r.gain += r.lastGain;
    this.records.set(pass.name, r);
  }

  private order(tier: readonly Pass[]): Pass[] {
    const score = (p: Pass): number => {
      const r = this.records.get(p.name);
      if (r === undefined) return Infinity;
      return r.lastGain > 0 ? r.lastGain / Math.max(1, r.lastRuns) : 0;
    };
    // Array sort is stable: equal scores keep the tier's order.
    return [...tier].sort((a, b) => {
      const x = score(a);
      const y = score(b);
      return x === y ? 0 : x > y ? -1 : 1;
    });
  }
}
