import { Rng } from '../rng.ts';
import { CheckModel, type Action, type ModelOptions, type ModelState } from './check-model.ts';
import { directedSearch } from './directed.ts';
import { criticalTransition, type CriticalTransition } from './critical.ts';
import { PathMonitor } from './path-monitor.ts';
import { EMPTY_SLEEP, SleepSets, type SleepSet, type Slept } from './sleep-sets.ts';
import { Symmetry } from './symmetry.ts';
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
/** Failing walks whose critical transition is looked for, at most (each costs up to log2(path) + 2 probes). */
const MAX_ANALYSED_WALKS = 3;

interface Visit {
  readonly parent: number;
  readonly choice: Choice | undefined;
  /** The state reached, so that a path's states can be shown to its properties in order (see PathMonitor). */
  readonly state: ModelState;
}

interface Entry {
  readonly state: ModelState;
  readonly visit: number;
  /** Steps not to take from it (partial-order reduction). */
  readonly sleep: SleepSet;
}

/**
 * Bounded exhaustive search of the untimed model, breadth first (so a violation's path is
 * a shortest one), skipping states whose canonical hash was seen; `always` properties are
 * checked in every new state. Then random walks from the frontier, in which only the
 * healed system's actions happen (no drops, duplicates or crashes), for `eventually`
 * properties; a walk in which they never all hold is a liveness failure, and its critical
 * transition is looked for (see critical.ts).
 */
export function check(options: CheckOptions): CheckResult {
  return search(new CheckModel(options), options);
}

function search(model: CheckModel, o: CheckOptions): CheckResult {
  if (!Number.isInteger(o.depth) || o.depth < 0) throw new RangeError(`depth must be an integer >= 0, not ${o.depth}`);
  const symmetry = o.symmetric !== undefined && o.symmetric.length > 0 ? new Symmetry(model, o.symmetric) : undefined;
  const { roots, warmup } = searchRoots(model, o.warmup, o.seed);
  const shared: Shared = { seen: new Set<string>(), explored: 0, hashOf: symmetry !== undefined ? (s) => symmetry.hash(s) : (s) => model.hash(s), symmetry };
  let r: Searched | undefined;
  const walks = { run: 0, failed: 0 };
  for (const root of roots) {
    const before = r;
    r = searchFrom(model, o, root, shared);
    walks.run += r.walks.run;
    walks.failed += r.walks.failed;
    // An inconclusive liveness failure from an earlier root is kept unless this one has its own.
    if (r.liveness === undefined && before?.liveness !== undefined) r = { ...r, liveness: before.liveness };
    if (!fallsBack(r)) break;
  }
  const fromInitial = warmup !== undefined && roots.length > 1 && r!.root === roots[1];
  const base = { protocol: o.protocol.name, bug: o.bug, model: model.description, warmup: warmup && { ...warmup, fromInitial } };
  const { root: _root, ...rest } = r!;
  return { ...base, ...rest, walks, statesExplored: shared.explored, statesUnique: shared.seen.size };
}

/** What the searches from every root share: the states seen (by canonical hash), the steps taken. */
interface Shared {
  readonly seen: Set<string>;
  explored: number;
  readonly hashOf: (s: ModelState) => string;
  readonly symmetry: Symmetry | undefined;
}

type Searched = Omit<CheckResult, 'protocol' | 'bug' | 'model' | 'warmup'> & { readonly root: SearchRoot };

/** The bounded search from one root, then the walks from its frontier. */
function searchFrom(model: CheckModel, o: CheckOptions, root: SearchRoot, shared: Shared): Searched {
  const maxStates = o.maxStates ?? DEFAULT_MAX_STATES;
  const { seen, hashOf, symmetry } = shared;
  const visits: Visit[] = [];
  const warm = root.choices;
  const warmupSteps = warm.length;
  const pathTo = (v: number): Choice[] => {
    const out: Choice[] = [];
    for (let k = v; visits[k]!.parent >= 0; k = visits[k]!.parent) out.push(visits[k]!.choice!);
    return [...warm, ...out.reverse()];
  };
  const base = { root, walks: { run: 0, failed: 0 }, liveness: undefined };
  visits.push({ parent: -1, choice: undefined, state: root.state });
  /** A monitor that has seen the states from the search's start up to visit `v`'s, that one included when `through`. */
  const monitorAlong = (v: number, through: boolean): PathMonitor => {
    const states: ModelState[] = [];
    for (let k = through ? v : visits[v]!.parent; k >= 0; k = visits[k]!.parent) states.push(visits[k]!.state);
    return PathMonitor.along(model, states.reverse());
  };
  shared.explored++;
  seen.add(hashOf(root.state));
  const failed = root.error ?? new PathMonitor(model).check(root.state, model.always, 'running');
  if (failed !== undefined)
    return { ...base, ok: false, statesExplored: shared.explored, statesUnique: seen.size, depth: 0, coverage: 'complete', violation: { ...failed, depth: 0, foundBy: 'search', path: [...warm], warmupSteps } };
  if (o.directed === true) {
    const visit = (parent: number, choice: Choice, state: ModelState) => visits.push({ parent, choice, state }) - 1;
    const d = directedSearch({ model, root: root.state, maxDepth: o.depth, maxStates, shared, visit, monitorAlong, onProgress: o.onProgress });
    const counts = { statesExplored: shared.explored, statesUnique: seen.size };
    if (d.kind === 'violation') return { ...base, ...counts, ok: false, depth: d.depth, coverage: 'complete', violation: { ...d.failure, depth: d.depth, foundBy: 'search', path: pathTo(d.visit), warmupSteps } };
    return { ...base, ...counts, depth: d.depth, coverage: d.coverage, ...walkFrontier(model, o, d.frontier, pathTo, monitorAlong, warmupSteps, root.live) };
  }
  const por = o.sleepSets !== false ? new SleepSets(model) : undefined;
  let level: Entry[] = [{ state: root.state, visit: 0, sleep: EMPTY_SLEEP }];
  let depth = 0;
  let coverage: CheckResult['coverage'] = 'complete';
  const progress = () => o.onProgress?.({ depth, statesExplored: shared.explored, statesUnique: seen.size, frontier: level.length });
  outer: while (depth < o.depth) {
    const next: Entry[] = [];
    /** The entry of `next` each state of it is, by hash (with sleep sets: a state reached again here merges its sleep sets). */
    const pending = new Map<string, number>();
    for (const e of level) {
      const actions = model.actions(e.state);
      const taken: Slept[] = [];
      for (let i = 0; i < actions.length; i++) {
        const a = actions[i]!;
        if (por?.asleep(e.sleep, e.state, a)) continue;
        const reads = model.clockReads;
        const r = model.apply(e.state, a);
        let sleep = EMPTY_SLEEP;
        if (por !== undefined) {
          const step = por.describe(e.state, a, model.clockReads !== reads);
          sleep = por.child(e.state, e.sleep, taken, step);
          taken.push(step);
        }
        shared.explored++;
        if (shared.explored % PROGRESS_EVERY === 0) progress();
        const choice = () => ({ i, label: model.label(e.state, a) });
        if (r.error !== undefined) {
          visits.push({ parent: e.visit, choice: choice(), state: r.state });
          return { ...base, ok: false, statesExplored: shared.explored, statesUnique: seen.size, depth: depth + 1, coverage, violation: { ...r.error, depth: depth + 1, foundBy: 'search', path: pathTo(visits.length - 1), warmupSteps } };
        }
        const h = hashOf(r.state);
        if (seen.has(h)) {
          const k = pending.get(h);
          // An image under symmetry names its steps differently: none of them stays asleep.
          const same = symmetry === undefined || (k !== undefined && model.hash(r.state) === model.hash(next[k]!.state));
          if (por !== undefined && k !== undefined) next[k] = { ...next[k]!, sleep: same ? por.meet(next[k]!.sleep, sleep) : EMPTY_SLEEP };
          continue;
        }
        seen.add(h);
        visits.push({ parent: e.visit, choice: choice(), state: r.state });
        const v = monitorAlong(visits.length - 1, false).check(r.state, model.always, 'running');
        if (v !== undefined)
          return { ...base, ok: false, statesExplored: shared.explored, statesUnique: seen.size, depth: depth + 1, coverage, violation: { ...v, depth: depth + 1, foundBy: 'search', path: pathTo(visits.length - 1), warmupSteps } };
        if (por !== undefined) pending.set(h, next.length);
        next.push({ state: r.state, visit: visits.length - 1, sleep });
        if (seen.size >= maxStates) {
          coverage = 'budget';
          level = next;
          depth++;
          break outer;
        }
      }
    }
    if (next.length === 0) {
      coverage = 'exhausted';
      break;
    }
    level = next;
    depth++;
    progress();
  }
  progress();
  const counts = { statesExplored: shared.explored, statesUnique: seen.size, depth, coverage };
  return { ...base, ...counts, ...walkFrontier(model, o, level, pathTo, monitorAlong, warmupSteps, root.live) };
}

function walkFrontier(
  model: CheckModel,
  o: CheckOptions,
  frontier: readonly { readonly state: ModelState; readonly visit: number }[],
  pathTo: (v: number) => Choice[],
  monitorAlong: (v: number, through: boolean) => PathMonitor,
  warmSteps: number,
  warmReached: boolean,
): Pick<CheckResult, 'ok' | 'violation' | 'walks' | 'liveness'> {
  const walks = o.walks ?? DEFAULT_WALKS;
  const walkDepth = o.walkDepth ?? DEFAULT_WALK_DEPTH;
  let failedWalks = 0;
  let analysed = 0;
  let liveness: LivenessFailure | undefined;
  const pick = new Rng(`${o.seed ?? 'check'}/frontier`);
  for (let w = 0; w < walks && frontier.length > 0; w++) {
    const from = pick.pick(frontier);
    const walk = randomWalk(model, from.state, walkDepth, new Rng(`${o.seed ?? 'check'}/walk/${w}`), monitorAlong(from.visit, true));
    if (walk.outcome === 'reached') continue;
    const prefix = pathTo(from.visit);
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
  return { ok: liveness?.verdict !== 'violated', violation: undefined, walks: { run: frontier.length > 0 ? walks : 0, failed: failedWalks }, liveness };
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
