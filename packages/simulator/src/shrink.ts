import { ConfigError } from './config-error.ts';
import type { FaultEvent } from './fault-plan.ts';
import { faultUnits } from './fault-units.ts';
import { resolveConfig, type Scenario, type SimOptions } from './scenario.ts';
import type { Schedule } from './schedule.ts';
import { simulate, type SimResult } from './simulation.ts';
import type { Violation } from './trace.ts';

export interface ShrinkOptions {
  /** Candidate runs at most (default 200); the original run and the final hashed run count too. */
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

/** How big a run is. `faults` counts fault events (a crash and its restart are two). */
export interface RunSize {
  readonly events: number;
  readonly faults: number;
  readonly requests: number;
}

export interface ShrinkResult {
  readonly property: string;
  readonly original: RunSize;
  readonly shrunk: RunSize;
  /** Replays the shrunk run exactly (`scheduleOptions`). */
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
}

const DEFAULT_MAX_RUNS = 200;
const MAX_ROUNDS = 3;

interface Candidate {
  readonly scenario: Scenario;
  readonly result: SimResult;
}

/**
 * Searches for a smaller run that fails with the same property as `options` did: the
 * fault plan becomes explicit (generator off), then greedily fault units are removed
 * (a crash with its restart, a pause with its resume, a cut with its heal), and clients,
 * requests (`workload.maxRequests`), nodes (down to the protocol's `minNodes`, only when it
 * declares one) and `durationMs` are binary-searched down. A candidate is kept only if it
 * fails with the same property. Bounded by `maxRuns` simulations.
 */
export function shrink(options: SimOptions, violation: Pick<Violation, 'property'>, shrinkOptions: ShrinkOptions = {}): ShrinkResult {
  const maxRuns = shrinkOptions.maxRuns ?? DEFAULT_MAX_RUNS;
  if (!Number.isInteger(maxRuns) || maxRuns < 2) throw new RangeError(`maxRuns must be an integer >= 2, not ${maxRuns}`);
  const { budgetMs, clock, onProgress } = shrinkOptions;
  if ((budgetMs === undefined) !== (clock === undefined)) throw new RangeError('budgetMs and clock go together');
  if (budgetMs !== undefined && !(budgetMs >= 0)) throw new RangeError(`budgetMs must be >= 0, not ${budgetMs}`);
  const deadline = clock !== undefined && budgetMs !== undefined ? clock() + budgetMs : Infinity;
  let outOfTime = false;
  const { protocol, seed, bug } = options;
  // The strategy stays as it was: under PCT the same scenario is another run.
  const strategy = options.strategy?.kind === 'pct' ? options.strategy : undefined;
  const property = violation.property;
  const notes: string[] = [];
  let runs = 0;
  let exhausted = false;
  const run = (scenario: Scenario): SimResult | undefined => {
    if (runs >= maxRuns - 1) {
      exhausted = true;
      return undefined;
    }
    // The first two runs (the original, its explicit plan) always run: there is no result without them.
    if (runs >= 2 && clock !== undefined && clock() >= deadline) {
      exhausted = outOfTime = true;
      return undefined;
    }
    try {
      resolveConfig({ protocol, seed, bug, scenario, strategy });
    } catch (err) {
      if (err instanceof ConfigError) return undefined;
      throw err;
    }
    runs++;
    return simulate({ protocol, seed, bug, scenario, strategy, trace: 'none' });
  };
  const fails = (r: SimResult | undefined): r is SimResult => r?.violation?.property === property;

  const config = resolveConfig(options);
  const given = options.scenario ?? {};
  const ken = options.ken ?? given.ken;
  const folded: Scenario = { ...given, faults: config.faults, durationMs: config.durationMs, ...(ken !== undefined ? { ken } : {}) };
  const first = run(folded);
  if (!fails(first)) throw new Error(`shrink: seed ${seed} of ${protocol.name} does not fail '${property}'`);
  const original = sizeOf(first);

  let best: Candidate = { scenario: folded, result: first };
  const explicit: Scenario = { ...folded, faults: [], faultPlan: first.plan, network: config.network };
  const reproduced = run(explicit);
  const faultsShrunk = fails(reproduced);
  if (faultsShrunk) best = { scenario: explicit, result: reproduced };
  else notes.push('the fault plan made explicit did not reproduce the failure: faults were not shrunk');

  /** Kept when it fails the same way and is no longer (or has fewer faults and no more requests). */
  const attempt = (scenario: Scenario): boolean => {
    const r = run(scenario);
    const kept = fails(r) && smallerThanBest(r);
    if (kept) best = { scenario, result: r };
    if (r !== undefined) onProgress?.({ runs, maxRuns, best: sizeOf(best.result), original });
    return kept;
  };
  /** No longer than the original, and no longer than the best (or fewer faults and no more requests). */
  const smallerThanBest = (r: SimResult): boolean => {
    const b = best.result;
    if (r.events > original.events) return false;
    return !(r.events > b.events && !(r.plan.length < b.plan.length && r.history.length <= b.history.length));
  };

  /** The smallest value in [lo, hi) that still fails, by bisection (failure need not be monotone: this is a heuristic). */
  const bisect = (lo: number, hi: number, make: (v: number) => Scenario): void => {
    while (lo < hi && !exhausted) {
      const mid = Math.floor((lo + hi) / 2);
      if (attempt(make(mid))) hi = mid;
      else lo = mid + 1;
    }
  };

  for (let round = 0; round < MAX_ROUNDS && !exhausted; round++) {
    const before = sizeKey(best.result);
    if (faultsShrunk) removeFaults(() => best, attempt, () => exhausted);
    const workload = () => best.scenario.workload ?? {};
    const clients = resolveConfig({ protocol, seed, bug, scenario: best.scenario }).workload.clients;
    bisect(1, clients, (c) => ({ ...best.scenario, workload: { ...workload(), clients: c } }));
    bisect(1, best.result.history.length, (n) => ({ ...best.scenario, workload: { ...workload(), maxRequests: n } }));
    shrinkNodes(protocol, best, bisect);
    const lastFaultMs = Math.max(0, ...best.result.plan.map((f) => f.atMs));
    const durationMs = resolveConfig({ protocol, seed, bug, scenario: best.scenario }).durationMs;
    bisect(Math.max(1, Math.floor(lastFaultMs) + 1), Math.ceil(durationMs), (d) => ({ ...best.scenario, durationMs: d }));
    if (sizeKey(best.result) === before) break;
  }

  // Never a "shrunk" run bigger than the one it came from: the explicit plan may replay
  // a little longer than the generated faults did, and nothing after it found less.
  if (best.result.events > original.events) {
    best = { scenario: folded, result: first };
    notes.push('no smaller failing run was found: the original run is reported');
  }
  runs++;
  const final = simulate({ protocol, seed, bug, scenario: best.scenario, strategy, trace: 'hash' });
  if (!fails(final)) throw new Error(`shrink: the shrunk run of seed ${seed} of ${protocol.name} did not fail again (nondeterminism)`);
  if (outOfTime) notes.push(`the wall budget of ${budgetMs} ms ran out`);
  else if (exhausted) notes.push(`the budget of ${maxRuns} runs ran out`);
  return {
    property,
    original,
    shrunk: sizeOf(final),
    schedule: { faultline: 'schedule', version: 1, protocol: protocol.name, seed, bug: bug ?? null, property, scenario: best.scenario, ...(strategy ? { strategy } : {}) },
    violation: final.violation!,
    traceHash: final.traceHash!,
    runs,
    faultsShrunk,
    budgetExhausted: exhausted,
    notes,
  };
}

/** Removes fault units in chunks, halving the chunk size down to one unit (as in delta debugging). */
function removeFaults(best: () => Candidate, attempt: (s: Scenario) => boolean, exhausted: () => boolean): void {
  let units = faultUnits(best().scenario.faultPlan ?? []);
  for (let size = Math.ceil(units.length / 2); size >= 1 && !exhausted(); size = size === 1 ? 0 : Math.ceil(size / 2)) {
    for (let start = 0; start < units.length && !exhausted(); ) {
      const plan: readonly FaultEvent[] = best().scenario.faultPlan ?? [];
      const drop = new Set(units.slice(start, start + size).flat());
      if (attempt({ ...best().scenario, faultPlan: plan.filter((_, i) => !drop.has(i)) })) units = faultUnits(best().scenario.faultPlan ?? []);
      else start += size;
    }
  }
}

function shrinkNodes(
  protocol: SimOptions['protocol'],
  best: Candidate,
  bisect: (lo: number, hi: number, make: (v: number) => Scenario) => void,
): void {
  const minNodes = protocol.minNodes;
  const nodes = best.scenario.nodes ?? protocol.nodes;
  const count = typeof nodes === 'number' ? nodes : nodes === undefined ? undefined : -1;
  // Only a protocol that declares its minimum, with nodes given as a count (no late joiners), has its nodes shrunk.
  if (minNodes === undefined || count === -1) return;
  const current = best.result.nodes.length || (count ?? 3);
  bisect(Math.max(1, minNodes), current, (n) => ({ ...best.scenario, nodes: n }));
}

function sizeOf(r: SimResult): RunSize {
  return { events: r.events, faults: r.plan.length, requests: r.history.length };
}

function sizeKey(r: SimResult): string {
  const s = sizeOf(r);
  return `${s.events}/${s.faults}/${s.requests}`;
}
