import { Rng } from '../rng.ts';
import type { Choice } from './check.ts';
import type { CheckModel, ModelState } from './check-model.ts';
import { warmUp } from './walk.ts';

/** A state the search starts from: the initial state, or the end of a warm-up (whose steps begin every path from it). */
export interface SearchRoot {
  readonly state: ModelState;
  /** A handler or property failed on the way there. */
  readonly error: { property: string; message: string } | undefined;
  readonly choices: readonly Choice[];
  /** The eventually-properties held there (the end of a warm-up that reached them): the critical transition is looked for after it. */
  readonly live: boolean;
}

/**
 * The states the search starts from, in order. Without a warm-up, the initial state.
 * With one, the warm-up's end first, then the initial state: the warm-up runs until the
 * eventually-properties hold, and for a protocol whose eventually-properties say its work
 * is done (the token went round, the tail has every write) that is the end of the run,
 * where no fault can matter any more. A bug found from the initial state was then no
 * longer found after `--warmup`. So when the search from the warm-up's end finds nothing
 * and leaves budget, the search goes on from the initial state with what is left (states
 * seen already are not searched again); see `fallsBack`.
 */
export function searchRoots(model: CheckModel, warmupSteps: number | undefined, seed: string | undefined): { roots: SearchRoot[]; warmup: { steps: number; reached: boolean } | undefined } {
  const first = model.initial();
  const initial: SearchRoot = { state: first.state, error: first.error, choices: [], live: false };
  if (warmupSteps === undefined || warmupSteps <= 0 || first.error !== undefined) return { roots: [initial], warmup: undefined };
  const w = warmUp(model, first.state, warmupSteps, new Rng(`${seed ?? 'check'}/warmup`));
  const warm: SearchRoot = { state: w.state, error: w.failure, choices: w.choices, live: w.reached };
  // A warm-up of no steps ends where it began: one root.
  return { roots: w.choices.length === 0 ? [warm] : [warm, initial], warmup: { steps: w.choices.length, reached: w.reached } };
}

/** Whether the search goes on from the next root: nothing failed from this one, and the budget was not used up. */
export function fallsBack(r: { readonly violation: unknown; readonly liveness: { readonly verdict: string } | undefined; readonly coverage: string }): boolean {
  return r.violation === undefined && r.liveness?.verdict !== 'violated' && r.coverage !== 'budget';
}
