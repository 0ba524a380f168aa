import type { Rng } from '../rng.ts';
import type { Choice } from './check.ts';
import type { Action, CheckModel, ModelState } from './check-model.ts';
import { PathMonitor } from './path-monitor.ts';

export type WalkResult =
  /** Every `eventually` property held at some state of the walk. */
  | { readonly outcome: 'reached'; readonly choices: readonly Choice[] }
  /** They never all held; `failure` is the first failing one at the walk's last state. */
  | { readonly outcome: 'unreached'; readonly choices: readonly Choice[]; readonly failure: { property: string; message: string } }
  /** An `always` property (or a handler) failed on the way. */
  | { readonly outcome: 'unsafe'; readonly choices: readonly Choice[]; readonly failure: { property: string; message: string } };

/** Whether an action can happen in the healed system: no drops (but to a down node), duplicates or crashes. */
export function isFair(model: CheckModel, s: ModelState, a: Action): boolean {
  switch (a.k) {
    case 'duplicate':
    case 'crash':
      return false;
    case 'drop':
      return !s.nodes[model.nodeIds.indexOf(s.msgs[a.i]!.to)]!.up;
    case 'lose-request':
      return !s.nodes[model.nodeIds.indexOf(s.reqs[a.i]!.node)]!.up;
    case 'lose-response':
    case 'retry':
      return false;
    default:
      return true;
  }
}

const CLIENT_ACTIONS: ReadonlySet<Action['k']> = new Set(['request', 'lose-request', 'respond', 'lose-response', 'retry']);

/**
 * The actions a walk picks from: the healed network is prompt, so while anything is in
 * flight (or a node can restart) one of those goes, picked at random; only when nothing
 * is does a timer fire, the one due first (ties: any of them). Without this, a walk that
 * fires timers as often as it delivers makes every message look late, and a protocol
 * with failure detectors suspects everyone forever.
 */
function healedChoices(model: CheckModel, s: ModelState, all: readonly Action[], clients = true): number[] {
  const prompt: number[] = [];
  const timers: number[] = [];
  let dueMs = Infinity;
  for (let i = 0; i < all.length; i++) {
    const a = all[i]!;
    if (!isFair(model, s, a) || (!clients && CLIENT_ACTIONS.has(a.k))) continue;
    if (a.k !== 'timer') {
      prompt.push(i);
      continue;
    }
    const due = s.nodes[a.node]!.timers.find((t) => t.tag === a.tag)!.dueMs;
    if (due < dueMs) {
      dueMs = due;
      timers.length = 0;
    }
    if (due === dueMs) timers.push(i);
  }
  return prompt.length > 0 ? prompt : timers;
}

/**
 * A random walk of at most `maxSteps` fair actions from `from` (see `healedChoices`), until the `eventually` properties all hold (checked, as once the
 * system is quiescent, in every state including the first). Choices index the full list
 * of enabled actions, so the walk replays like a search path. `monitor` has been shown the
 * path up to `from`, `from` included.
 */
export function randomWalk(model: CheckModel, from: ModelState, maxSteps: number, rng: Rng, monitor: PathMonitor): WalkResult {
  const choices: Choice[] = [];
  let s = from;
  let missing = monitor.check(s, model.eventually, 'quiescent');
  if (missing === undefined) return { outcome: 'reached', choices };
  for (let step = 0; step < maxSteps; step++) {
    const all = model.actions(s);
    const fair = healedChoices(model, s, all);
    if (fair.length === 0) break;
    const i = rng.pick(fair);
    const a = all[i]!;
    choices.push({ i, label: model.label(s, a) });
    const r = model.apply(s, a);
    if (r.error !== undefined) return { outcome: 'unsafe', choices, failure: r.error };
    s = r.state;
    const bad = monitor.check(s, model.always, 'running');
    if (bad !== undefined) return { outcome: 'unsafe', choices, failure: bad };
    missing = monitor.check(s, model.eventually, 'quiescent');
    if (missing === undefined) return { outcome: 'reached', choices };
  }
  return { outcome: 'unreached', choices, failure: missing };
}

/**
 * A warm-up before the search: the healed system runs (as in a walk) with the clients'
 * requests held back, until its `eventually` properties hold (it has, say, formed a view)
 * or `maxSteps` pass. The search then starts there, so its depth goes to the requests
 * and faults instead of to the protocol's start-up.
 */
export function warmUp(model: CheckModel, from: ModelState, maxSteps: number, rng: Rng): { state: ModelState; choices: Choice[]; reached: boolean; failure: { property: string; message: string } | undefined } {
  const choices: Choice[] = [];
  const monitor = new PathMonitor(model);
  let s = from;
  for (let step = 0; step <= maxSteps; step++) {
    if (monitor.check(s, model.eventually, 'quiescent') === undefined) return { state: s, choices, reached: true, failure: undefined };
    const all = model.actions(s);
    const options = healedChoices(model, s, all, false);
    if (options.length === 0 || step === maxSteps) break;
    const i = rng.pick(options);
    choices.push({ i, label: model.label(s, all[i]!) });
    const r = model.apply(s, all[i]!);
    s = r.state;
    const bad = r.error ?? monitor.check(s, model.always, 'running');
    if (bad !== undefined) return { state: s, choices, reached: false, failure: bad };
  }
  return { state: s, choices, reached: false, failure: undefined };
}
