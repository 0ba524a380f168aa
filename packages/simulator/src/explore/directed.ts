import type { CheckModel, ModelState } from './check-model.ts';
import type { CheckProgress, CheckResult, Choice } from './check.ts';
import { EventHeap } from '../heap.ts';
import type { PathMonitor } from './path-monitor.ts';
import { PropertyInputs } from './property-inputs.ts';

export interface DirectedContext {
  readonly model: CheckModel;
  readonly root: ModelState;
  readonly maxDepth: number;
  readonly maxStates: number;
  /** The states seen (by canonical hash; shared with other roots' searches) and the steps taken. */
  readonly shared: { readonly seen: Set<string>; explored: number; readonly hashOf: (s: ModelState) => string };
  /** Records a state reached from visit `parent` by `choice`; returns its visit. */
  readonly visit: (parent: number, choice: Choice, state: ModelState) => number;
  readonly monitorAlong: (v: number, through: boolean) => PathMonitor;
  readonly onProgress: ((p: CheckProgress) => void) | undefined;
}

export interface Reached {
  readonly state: ModelState;
  readonly visit: number;
  readonly depth: number;
  /** The property-input values its path was the first to reach (see property-inputs.ts). */
  readonly score: number;
  readonly hash: string;
}

export type DirectedOutcome =
  | { readonly kind: 'violation'; readonly visit: number; readonly depth: number; readonly failure: { property: string; message: string } }
  | { readonly kind: 'done'; readonly depth: number; readonly coverage: CheckResult['coverage']; readonly frontier: readonly Reached[] };

const PROGRESS_EVERY = 2_000;
/** Steps a new property-input value is worth (see below). */
const NEW_VALUE_WORTH = 2;

/**
 * Directed search (`check --directed`): best first, toward states where the `always`
 * properties' inputs change. Every step costs 1, and each property input to which a
 * state is the first of the search to give its value earns `NEW_VALUE_WORTH` (see
 * property-inputs.ts); a state's score is its path's sum, the highest score goes first,
 * ties breadth first. So the search follows a step that writes a new log entry or moves a
 * chain pointer at once, and steps that only change what no property reads (ticks of a
 * counter, heartbeats) are paid for and searched breadth first
 * between them, instead of every interleaving of them at every depth. Measured on
 * chain-reconfig (untimed / timed depth 45 / two-phase, unique states to the bug): worth 2
 * gave 254 / 12,417 / 215; worth 1, 68 / not within 40,000 / 201; worth 3, 628 / 7,129 /
 * 265; no step cost (the new values' count only), 1,819 / 27,201 at depth 40 but not
 * within 40,000 at depth 60 / 522; breadth first, 5,538 / not within 40,000 / 188.
 *
 * It covers the same states as breadth-first search: within `maxDepth`, every state is
 * expanded, from the shortest path the search found to it (a state reached again by a
 * shorter path than before is expanded again, so that nothing within the bound is cut
 * off); only the order differs. Paths are not shortest, and sleep sets are not used (they
 * rely on the breadth-first order).
 */
export function directedSearch(c: DirectedContext): DirectedOutcome {
  const { model, shared } = c;
  const inputs = new PropertyInputs(model);
  inputs.novelty(c.root);
  const bestDepth = new Map<string, number>();
  const rootHash = shared.hashOf(c.root);
  bestDepth.set(rootHash, 0);
  // Highest score first, ties in the order pushed (breadth first): the event heap's (t, seq) order on t = -score.
  const queue = new EventHeap<{ readonly t: number; readonly seq: number; readonly reached: Reached }>();
  let pushed = 0;
  const push = (reached: Reached) => queue.push({ t: -reached.score, seq: pushed++, reached });
  push({ state: c.root, visit: 0, depth: 0, score: 0, hash: rootHash });
  const cut: Reached[] = [];
  const ends: Reached[] = [];
  let deepest = 0;
  const progress = () => c.onProgress?.({ depth: deepest, statesExplored: shared.explored, statesUnique: shared.seen.size, frontier: queue.size });
  for (let q = queue.pop(); q !== undefined; q = queue.pop()) {
    const e = q.reached;
    if (bestDepth.get(e.hash)! < e.depth) continue; // reached again by a shorter path, which is queued
    if (e.depth >= c.maxDepth) {
      cut.push(e);
      continue;
    }
    let fresh = false;
    const actions = model.actions(e.state);
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i]!;
      const r = model.apply(e.state, a);
      shared.explored++;
      if (shared.explored % PROGRESS_EVERY === 0) progress();
      const depth = e.depth + 1;
      const choice = () => ({ i, label: model.label(e.state, a) });
      if (r.error !== undefined) return { kind: 'violation', visit: c.visit(e.visit, choice(), r.state), depth, failure: r.error };
      const h = shared.hashOf(r.state);
      const before = bestDepth.get(h);
      if (before !== undefined && before <= depth) continue;
      bestDepth.set(h, depth);
      if (depth > deepest) deepest = depth;
      const visit = c.visit(e.visit, choice(), r.state);
      fresh = true;
      if (before === undefined) {
        shared.seen.add(h);
        const v = c.monitorAlong(visit, false).check(r.state, model.always, 'running');
        if (v !== undefined) return { kind: 'violation', visit, depth, failure: v };
      }
      push({ state: r.state, visit, depth, score: e.score + NEW_VALUE_WORTH * inputs.novelty(r.state) - 1, hash: h });
      if (shared.seen.size >= c.maxStates) {
        progress();
        return { kind: 'done', depth: deepest, coverage: 'budget', frontier: [...cut, ...queue.remaining().map((x) => x.reached)] };
      }
    }
    if (!fresh) ends.push(e);
  }
  progress();
  // Nothing was cut at the bound: the whole reachable space; its dead ends are the frontier.
  return cut.length > 0 ? { kind: 'done', depth: c.maxDepth, coverage: 'complete', frontier: cut } : { kind: 'done', depth: deepest, coverage: 'exhausted', frontier: ends };
}
