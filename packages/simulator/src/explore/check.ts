import { Rng } from '../rng.ts';
import { CheckModel, type Action, type ModelOptions, type ModelState } from './check-model.ts';
import { criticalTransition, type CriticalTransition } from './critical.ts';
import { PathMonitor } from './path-monitor.ts';
import { searchHash, type SearchHash } from './search-hash.ts';
import { searchPlan, type Answer, type PlanOptions, type PlanResult } from './search-plan.ts';
import { SearchShard, type Limits } from './search-shard.ts';
import { SleepSets } from './sleep-sets.ts';
import { randomWalk, warmUp } from './walk.ts';

/** One step of a path: the index of the action among those enabled (the replayable part) and what it did. */
export interface Choice {
  readonly i: number;
  readonly label: string;
}

export interface CheckOptions extends ModelOptions {
  /** Actions from the initial state, at most. */
  readonly depth: number;
  /** Unique states, at most (default 200,000): the search stops there, incomplete. */
  readonly maxStates?: number;
  /** Random walks from the frontier for `eventually` properties (default 100; 0: none). */
  readonly walks?: number;
  /** Actions per walk, at most (default 500). */
  readonly walkDepth?: number;
  /** Before the search, run the healed system with requests held back until its eventually-properties hold, for at most this many actions (default 0: none). */
  readonly warmup?: number;
  /** Walks tried from each state while looking for the critical transition (default 20). */
  readonly walksPerPrefix?: number;
  /** Partial-order reduction by sleep sets: the same states in the same order, fewer steps taken (see sleep-sets.ts; default on). */
  readonly sleepSets?: boolean;
  /** Groups of node ids the protocol treats alike: a state and its images under renaming them are one state (see symmetry.ts; default none). */
  readonly symmetric?: readonly (readonly string[])[];
  /** Called every `PROGRESS_EVERY` states and at the end of each depth. */
  readonly onProgress?: (p: CheckProgress) => void;
}

export interface CheckProgress {
  readonly depth: number;
  readonly statesExplored: number;
  readonly statesUnique: number;
  readonly frontier: number;
}

export interface CheckViolation {
  readonly property: string;
  readonly message: string;
  /** Actions of the search (after the warm-up, if any) to the violating state. */
  readonly depth: number;
  /** `search`: the bounded exhaustive search; `walk`: a random walk from its frontier. */
  readonly foundBy: 'search' | 'walk';
  readonly path: readonly Choice[];
}

export interface LivenessFailure {
  readonly property: string;
  readonly message: string;
  /** The search's path to the frontier state, then the failing walk. */
  readonly path: readonly Choice[];
  /** Where the walk began (the frontier state's depth). */
  readonly walkFrom: number;
  readonly critical: CriticalTransition;
  /** `violated` when a critical transition was found; otherwise the walks may just have been too short or unlucky. */
  readonly verdict: 'violated' | 'inconclusive';
}

export interface CheckResult {
  /** No `always` property failed within the bound, and no walk found a liveness failure with a critical transition. */
  readonly ok: boolean;
  readonly protocol: string;
  readonly bug: string | undefined;
  /** States visited: the initial one and every state an action produced (including repeats). */
  readonly statesExplored: number;
  /** Distinct states by canonical hash (including the initial one). */
  readonly statesUnique: number;
  /** The deepest level searched. */
  readonly depth: number;
  /** `complete`: every state within the depth was explored; `exhausted`: no new state appeared before it (the whole space); `budget`: stopped at `maxStates`. */
  readonly coverage: 'complete' | 'exhausted' | 'budget';
  readonly violation: CheckViolation | undefined;
  readonly walks: { readonly run: number; readonly failed: number };
  readonly liveness: LivenessFailure | undefined;
  /** The warm-up's length (its steps begin every path), and whether it reached the eventually-properties. */
  readonly warmup: { readonly steps: number; readonly reached: boolean } | undefined;
  /** The network and fault model searched, in words: under Ken, reliable FIFO links and no crashes. */
  readonly model: string;
}

export const DEFAULT_MAX_STATES = 200_000;
export const DEFAULT_WALKS = 100;
export const DEFAULT_WALK_DEPTH = 500;
export const DEFAULT_WALKS_PER_PREFIX = 20;
const PROGRESS_EVERY = 2_000;
/** With several shards, a level is split between them once it has this many states per shard (see search-plan.ts). */
const SPLIT_AT_PER_SHARD = 4;
/** Failing walks whose critical transition is looked for, at most (each costs up to log2(path) + 2 probes). */
const MAX_ANALYSED_WALKS = 3;

/** The frontier the walks start from, in the search's order: a state's path from the initial state, the state, and a monitor that has seen the search's path to it, it included. */
export interface Frontier {
  readonly size: number;
  pathOf(k: number): Choice[];
  stateOf(k: number): ModelState;
  monitorOf(k: number): PathMonitor;
}

/**
 * Bounded exhaustive search of the untimed model, breadth first (so a violation's path is
 * a shortest one), skipping states whose canonical hash was seen; `always` properties are
 * checked in every new state. Then random walks from the frontier, in which only the
 * healed system's actions happen (no drops, duplicates or crashes), for `eventually`
 * properties; a walk in which they never all hold is a liveness failure, and its critical
 * transition is looked for (see critical.ts). The search's order and decisions are
 * search-plan.ts's; here one shard holds every state.
 */
export function check(options: CheckOptions): CheckResult {
  const model = new CheckModel(options);
  const start = searchStart(model, options);
  if (start.done !== undefined) return start.done;
  const shard = searchShard(model, options, start);
  const plan = searchPlan(planOptions(options, start, 1));
  let limits: Limits | undefined;
  let answer: Answer;
  for (;;) {
    const step = plan.next(answer);
    if (step.done === true) return finish(model, options, start, step.value, shard);
    const r = step.value;
    answer = undefined;
    if (r.t === 'level') {
      shard.beginLevel(1, 0);
      limits = r.limits;
    } else if (r.t === 'report') answer = shard.expand(Infinity, limits);
    else if (r.t === 'failure') answer = shard.failure(r.successor);
    else if (r.t === 'sleeps') answer = shard.sleepKeys(r.successors);
    else if (r.accept !== undefined) shard.accept(r.accept[0]!, r.merges[0]);
  }
}

export interface SearchStart {
  readonly root: ModelState;
  /** The name states have in the visited store (with symmetry, their orbit's). */
  readonly hash: SearchHash;
  readonly warm: Choice[];
  readonly warmup: CheckResult['warmup'];
  readonly base: Pick<CheckResult, 'protocol' | 'bug' | 'walks' | 'liveness' | 'warmup' | 'model'>;
  /** The initial state (after the warm-up) already fails: the whole result. */
  readonly done: CheckResult | undefined;
}

/** The search's first state (after the warm-up, if any), checked. */
export function searchStart(model: CheckModel, o: CheckOptions): SearchStart {
  if (!Number.isInteger(o.depth) || o.depth < 0) throw new RangeError(`depth must be an integer >= 0, not ${o.depth}`);
  const hash = searchHash(model, o.symmetric);
  const first = model.initial();
  let init = first;
  let warm: Choice[] = [];
  let warmup: CheckResult['warmup'];
  if (o.warmup !== undefined && o.warmup > 0 && first.error === undefined) {
    const w = warmUp(model, first.state, o.warmup, new Rng(`${o.seed ?? 'check'}/warmup`));
    warm = w.choices;
    warmup = { steps: w.choices.length, reached: w.reached };
    init = { state: w.state, error: w.failure };
  }
  const base = { protocol: o.protocol.name, bug: o.bug, walks: { run: 0, failed: 0 }, liveness: undefined, warmup, model: model.description };
  const failed = init.error ?? new PathMonitor(model).check(init.state, model.always, 'running');
  const done: CheckResult | undefined =
    failed === undefined ? undefined : { ...base, ok: false, statesExplored: 1, statesUnique: 1, depth: 0, coverage: 'complete', violation: { ...failed, depth: 0, foundBy: 'search', path: warm } };
  return { root: init.state, hash, warm, warmup, base, done };
}

/** A shard that begins with the search's first state (one thread's search is one shard; a worker's, one of several). */
export function searchShard(model: CheckModel, o: CheckOptions, start: SearchStart): SearchShard {
  return new SearchShard(model, start.root, start.warm, start.hash, o.sleepSets !== false ? new SleepSets(model) : undefined);
}

export function planOptions(o: CheckOptions, start: SearchStart, shards: number): PlanOptions {
  const progress = o.onProgress;
  return {
    shards,
    depth: o.depth,
    maxStates: o.maxStates ?? DEFAULT_MAX_STATES,
    rootHash: start.hash.lanes(start.root, new Uint32Array(2)),
    sleepSets: o.sleepSets !== false,
    symmetric: start.hash.symmetric,
    splitAt: SPLIT_AT_PER_SHARD * shards,
    onProgress: (p) => progress?.(p),
    progressEvery: PROGRESS_EVERY,
  };
}

/** The result from the plan's outcome, with the walks from the frontier when the search found no violation. */
export function finish(model: CheckModel, o: CheckOptions, start: SearchStart, p: PlanResult, frontier: Frontier): CheckResult {
  const counts = { statesExplored: p.statesExplored, statesUnique: p.statesUnique, depth: p.depth, coverage: p.coverage };
  if (p.violation !== undefined) return { ...start.base, ...counts, ok: false, violation: { property: p.violation.property, message: p.violation.message, depth: p.depth, foundBy: 'search', path: [...p.violation.path] } };
  return { ...start.base, ...counts, ...walkFrontier(model, o, frontier, start.warm.length, start.warmup?.reached === true) };
}

/** The frontier places the walks start from, in the order they are picked (see walkFrontier): a driver whose frontier is elsewhere fetches these only. */
export function walkStarts(o: CheckOptions, frontierSize: number): number[] {
  const pick = new Rng(`${o.seed ?? 'check'}/frontier`);
  return frontierSize === 0 ? [] : Array.from({ length: o.walks ?? DEFAULT_WALKS }, () => pick.int(frontierSize));
}

function walkFrontier(model: CheckModel, o: CheckOptions, frontier: Frontier, warmSteps: number, warmReached: boolean): Pick<CheckResult, 'ok' | 'violation' | 'walks' | 'liveness'> {
  const walks = o.walks ?? DEFAULT_WALKS;
  const walkDepth = o.walkDepth ?? DEFAULT_WALK_DEPTH;
  let failedWalks = 0;
  let analysed = 0;
  let liveness: LivenessFailure | undefined;
  const starts = walkStarts(o, frontier.size);
  for (let w = 0; w < starts.length; w++) {
    const from = starts[w]!;
    const walk = randomWalk(model, frontier.stateOf(from), walkDepth, new Rng(`${o.seed ?? 'check'}/walk/${w}`), frontier.monitorOf(from));
    if (walk.outcome === 'reached') continue;
    const prefix = frontier.pathOf(from);
    if (walk.outcome === 'unsafe') {
      const path = [...prefix, ...walk.choices];
      return { ok: false, violation: { ...walk.failure, depth: path.length - warmSteps, foundBy: 'walk', path }, walks: { run: w + 1, failed: failedWalks }, liveness };
    }
    failedWalks++;
    if (liveness?.verdict !== 'violated' && analysed < MAX_ANALYSED_WALKS && model.eventually.length > 0) {
      analysed++;
      const path = [...prefix, ...walk.choices];
      const critical = criticalTransition(model, path, { walkDepth, walksPerPrefix: o.walksPerPrefix ?? DEFAULT_WALKS_PER_PREFIX, seed: o.seed ?? 'check', liveFrom: warmReached ? warmSteps : undefined });
      if (critical.found || liveness === undefined)
        liveness = { ...walk.failure, path, walkFrom: prefix.length, critical, verdict: critical.found ? 'violated' : 'inconclusive' };
    }
  }
  return { ok: liveness?.verdict !== 'violated', violation: undefined, walks: { run: frontier.size > 0 ? walks : 0, failed: failedWalks }, liveness };
}

/** The states along `choices` from the initial state (`states[0]` is the initial one); throws if a choice is not enabled or its label differs. */
export function statesAlong(model: CheckModel, choices: readonly Choice[]): { states: ModelState[]; actions: Action[]; error: { property: string; message: string } | undefined } {
  const init = model.initial();
  const states = [init.state];
  const actions: Action[] = [];
  if (init.error !== undefined) return { states, actions, error: init.error };
  for (const [k, c] of choices.entries()) {
    const s = states[states.length - 1]!;
    const enabled = model.actions(s);
    const a = enabled[c.i];
    if (a === undefined) throw new Error(`step ${k + 1}: choice ${c.i} is not enabled (${enabled.length} actions are)`);
    const label = model.label(s, a);
    if (label !== c.label) throw new Error(`step ${k + 1}: choice ${c.i} is '${label}', but the path says '${c.label}' (another protocol version or options?)`);
    const r = model.apply(s, a);
    actions.push(a);
    states.push(r.state);
    if (r.error !== undefined) return { states, actions, error: r.error };
  }
  return { states, actions, error: undefined };
}
