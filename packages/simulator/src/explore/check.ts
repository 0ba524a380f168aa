import { Rng } from '../rng.ts';
import { CheckModel, type Action, type ModelOptions, type ModelState } from './check-model.ts';
import { criticalTransition, type CriticalTransition } from './critical.ts';
import { directedSearch } from './directed.ts';
import { PathMonitor } from './path-monitor.ts';
import { searchHash, type SearchHash } from './search-hash.ts';
import { searchPlan, type Answer, type PlanOptions, type PlanResult } from './search-plan.ts';
import { SearchShard, type Limits } from './search-shard.ts';
import { SleepSets } from './sleep-sets.ts';
import { Symmetry } from './symmetry.ts';
import { VisitedSet } from './visited.ts';
import { randomWalk } from './walk.ts';
import { fallsBack, searchRoots, type SearchRoot } from './warm-start.ts';

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
  /** Best first toward states where the always-properties' inputs change, instead of breadth first: the same states within the depth, other paths first (see directed.ts; default off). */
  readonly directed?: boolean;
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
  /** How many of the path's first steps are the warm-up's (0 when it was found from the initial state). */
  readonly warmupSteps: number;
}

export interface LivenessFailure {
  readonly property: string;
  readonly message: string;
  /** The search's path to the frontier state, then the failing walk. */
  readonly path: readonly Choice[];
  /** Where the walk began (the frontier state's depth). */
  readonly walkFrom: number;
  /** How many of the path's first steps are the warm-up's (0 when it was found from the initial state). */
  readonly warmupSteps: number;
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
  /**
   * The warm-up's length (its steps begin every path from its end), whether it reached the
   * eventually-properties, and whether the search went on from the initial state (nothing
   * failed from the warm-up's end within the budget; see warm-start.ts). The counts are
   * both searches'; `depth` and `coverage` are the last one's.
   */
  readonly warmup: { readonly steps: number; readonly reached: boolean; readonly fromInitial: boolean } | undefined;
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

/** One root's search and the walks from its frontier; the counts are those of every root's search so far. */
export type Searched = Omit<CheckResult, 'protocol' | 'bug' | 'model' | 'warmup'> & { readonly root: SearchRoot };

/** What the breadth-first searches from every root share: the states seen (by their `SearchHash`, each with its place in the search's order), the steps taken. */
export interface Visited {
  readonly seen: VisitedSet;
  explored: number;
}

/**
 * Bounded exhaustive search of the untimed model, breadth first (so a violation's path is
 * a shortest one), skipping states whose canonical hash was seen; `always` properties are
 * checked in every new state. Then random walks from the frontier, in which only the
 * healed system's actions happen (no drops, duplicates or crashes), for `eventually`
 * properties; a walk in which they never all hold is a liveness failure, and its critical
 * transition is looked for (see critical.ts). The search's order and decisions are
 * search-plan.ts's; here one shard holds every state. With a warm-up, the search goes from
 * each root of warm-start.ts in turn (see `eachRoot`).
 */
export function check(options: CheckOptions): CheckResult {
  const model = new CheckModel(options);
  const from = options.directed === true ? directedFrom(model, options) : planFrom(model, options);
  const roots = eachRoot(model, options);
  for (let step = roots.next(); ; step = roots.next(from(step.value))) if (step.done === true) return step.value;
}

/**
 * The searches from each root (see warm-start.ts), in turn, until one finds something or
 * uses up the budget: resume it with each root's `Searched`; it returns the whole result.
 * It checks the options before it yields the first root.
 */
export function* eachRoot(model: CheckModel, o: CheckOptions): Generator<SearchRoot, CheckResult, Searched> {
  if (!Number.isInteger(o.depth) || o.depth < 0) throw new RangeError(`depth must be an integer >= 0, not ${o.depth}`);
  const { roots, warmup } = searchRoots(model, o.warmup, o.seed);
  let r: Searched | undefined;
  const walks = { run: 0, failed: 0 };
  for (const root of roots) {
    const before = r;
    r = yield root;
    walks.run += r.walks.run;
    walks.failed += r.walks.failed;
    // An inconclusive liveness failure from an earlier root is kept unless this one has its own.
    if (r.liveness === undefined && before?.liveness !== undefined) r = { ...r, liveness: before.liveness };
    if (!fallsBack(r)) break;
  }
  const fromInitial = warmup !== undefined && roots.length > 1 && r!.root === roots[1];
  const { root: _root, ...rest } = r!;
  return { protocol: o.protocol.name, bug: o.bug, model: model.description, warmup: warmup && { ...warmup, fromInitial }, ...rest, walks };
}

/** Counts `root` as explored and seen; if it fails already, its search's whole outcome. */
export function enterRoot(model: CheckModel, root: SearchRoot, hash: SearchHash, visited: Visited): Searched | undefined {
  visited.explored++;
  const lanes = hash.lanes(root.state, new Uint32Array(2));
  visited.seen.insert(lanes[0]!, lanes[1]!, visited.seen.size);
  return rootFailure(model, root, visited.explored, visited.seen.size);
}

function rootFailure(model: CheckModel, root: SearchRoot, statesExplored: number, statesUnique: number): Searched | undefined {
  const failed = root.error ?? new PathMonitor(model).check(root.state, model.always, 'running');
  if (failed === undefined) return undefined;
  const violation = { ...failed, depth: 0, foundBy: 'search' as const, path: [...root.choices], warmupSteps: root.choices.length };
  return { root, ok: false, statesExplored, statesUnique, depth: 0, coverage: 'complete', violation, walks: { run: 0, failed: 0 }, liveness: undefined };
}

/** The breadth-first search from each root on this thread: one shard, which knows every state the search has seen. */
function planFrom(model: CheckModel, o: CheckOptions): (root: SearchRoot) => Searched {
  const hash = searchHash(model, o.symmetric);
  const visited: Visited = { seen: new VisitedSet(), explored: 0 };
  return (root) => {
    const failed = enterRoot(model, root, hash, visited);
    if (failed !== undefined) return failed;
    const shard = searchShard(model, o, root, hash, visited.seen.copy());
    const plan = searchPlan(planOptions(o, hash, visited, 1));
    let limits: Limits | undefined;
    let answer: Answer;
    for (;;) {
      const step = plan.next(answer);
      if (step.done === true) return finishRoot(model, o, root, step.value, shard, visited);
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
  };
}

/** A shard that begins with `root` (one thread's search is one shard; a worker's, one of several), knowing `made` (default: `root` only). */
export function searchShard(model: CheckModel, o: CheckOptions, root: SearchRoot, hash: SearchHash, made?: VisitedSet): SearchShard {
  return new SearchShard(model, root.state, root.choices, hash, o.sleepSets !== false ? new SleepSets(model) : undefined, made);
}

export function planOptions(o: CheckOptions, hash: SearchHash, visited: Visited, shards: number): PlanOptions {
  const progress = o.onProgress;
  return {
    shards,
    depth: o.depth,
    maxStates: o.maxStates ?? DEFAULT_MAX_STATES,
    seen: visited.seen,
    explored: visited.explored,
    sleepSets: o.sleepSets !== false,
    symmetric: hash.symmetric,
    splitAt: SPLIT_AT_PER_SHARD * shards,
    onProgress: (p) => progress?.(p),
    progressEvery: PROGRESS_EVERY,
  };
}

/** The root's outcome from the plan's, with the walks from the frontier when the search found no violation. */
export function finishRoot(model: CheckModel, o: CheckOptions, root: SearchRoot, p: PlanResult, frontier: Frontier, visited: Visited): Searched {
  visited.explored = p.statesExplored;
  const counts = { root, statesExplored: p.statesExplored, statesUnique: p.statesUnique, depth: p.depth, coverage: p.coverage };
  const warmupSteps = root.choices.length;
  if (p.violation !== undefined) {
    const { property, message, path } = p.violation;
    return { ...counts, ok: false, violation: { property, message, depth: p.depth, foundBy: 'search', path: [...path], warmupSteps }, walks: { run: 0, failed: 0 }, liveness: undefined };
  }
  return { ...counts, ...walkFrontier(model, o, frontier, warmupSteps, root.live) };
}

/** Best-first search (directed.ts) from each root; its states seen are shared between the roots. */
function directedFrom(model: CheckModel, o: CheckOptions): (root: SearchRoot) => Searched {
  const symmetry = o.symmetric !== undefined && o.symmetric.length > 0 ? new Symmetry(model, o.symmetric) : undefined;
  const shared = { seen: new Set<string>(), explored: 0, hashOf: symmetry !== undefined ? (s: ModelState) => symmetry.hash(s) : (s: ModelState) => model.hash(s) };
  return (root) => {
    shared.explored++;
    shared.seen.add(shared.hashOf(root.state));
    const failed = rootFailure(model, root, shared.explored, shared.seen.size);
    if (failed !== undefined) return failed;
    const visits: { parent: number; choice: Choice | undefined; state: ModelState }[] = [{ parent: -1, choice: undefined, state: root.state }];
    const pathTo = (v: number): Choice[] => {
      const out: Choice[] = [];
      for (let k = v; visits[k]!.parent >= 0; k = visits[k]!.parent) out.push(visits[k]!.choice!);
      return [...root.choices, ...out.reverse()];
    };
    /** A monitor that has seen the states from the search's start up to visit `v`'s, that one included when `through`. */
    const monitorAlong = (v: number, through: boolean): PathMonitor =>
      PathMonitor.along(model, () => {
        const states: ModelState[] = [];
        for (let k = through ? v : visits[v]!.parent; k >= 0; k = visits[k]!.parent) states.push(visits[k]!.state);
        return states.reverse();
      });
    const visit = (parent: number, choice: Choice, state: ModelState) => visits.push({ parent, choice, state }) - 1;
    const maxStates = o.maxStates ?? DEFAULT_MAX_STATES;
    const d = directedSearch({ model, root: root.state, maxDepth: o.depth, maxStates, shared, visit, monitorAlong, onProgress: o.onProgress });
    const counts = { root, statesExplored: shared.explored, statesUnique: shared.seen.size, depth: d.depth };
    const warmupSteps = root.choices.length;
    if (d.kind === 'violation')
      return { ...counts, ok: false, coverage: 'complete', violation: { ...d.failure, depth: d.depth, foundBy: 'search', path: pathTo(d.visit), warmupSteps }, walks: { run: 0, failed: 0 }, liveness: undefined };
    const f = d.frontier;
    const frontier: Frontier = { size: f.length, pathOf: (k) => pathTo(f[k]!.visit), stateOf: (k) => f[k]!.state, monitorOf: (k) => monitorAlong(f[k]!.visit, true) };
    return { ...counts, coverage: d.coverage, ...walkFrontier(model, o, frontier, warmupSteps, root.live) };
  };
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
      return { ok: false, violation: { ...walk.failure, depth: path.length - warmSteps, foundBy: 'walk', path, warmupSteps: warmSteps }, walks: { run: w + 1, failed: failedWalks }, liveness };
    }
    failedWalks++;
    if (liveness?.verdict !== 'violated' && analysed < MAX_ANALYSED_WALKS && model.eventually.length > 0) {
      analysed++;
      const path = [...prefix, ...walk.choices];
      const critical = criticalTransition(model, path, { walkDepth, walksPerPrefix: o.walksPerPrefix ?? DEFAULT_WALKS_PER_PREFIX, seed: o.seed ?? 'check', liveFrom: warmReached ? warmSteps : undefined });
      if (critical.found || liveness === undefined)
        liveness = { ...walk.failure, path, walkFrom: prefix.length, warmupSteps: warmSteps, critical, verdict: critical.found ? 'violated' : 'inconclusive' };
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
