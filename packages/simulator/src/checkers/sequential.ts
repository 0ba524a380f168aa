import type { History, Operation } from '@faultline/runtime';
import { explainViolation, type ViolationWording } from './explain.ts';
import { checkLinearizability, toSearchOp, type ShrunkReport } from './linearizability.ts';
import type { Model } from './model.ts';
import { searchLinearization, type Budget } from './search.ts';
import { searchSequential, type ClientSearchOp } from './sequential-search.ts';
import { wholeStore } from './sequential-store.ts';
import { shrinkViolation } from './shrink.ts';

export interface SequentialOptions {
  /** Model steps the search may take over the whole history before answering 'unknown'. Default 2,000,000. */
  readonly maxSteps?: number;
  /** Shrink a violation to a minimal set of operations (default true). */
  readonly shrink?: boolean;
  /** Model steps all of shrinking may take (default: maxSteps). */
  readonly maxShrinkSteps?: number;
}

export type SequentialResult<Req = unknown, Res = unknown> =
  | { readonly outcome: 'ok'; readonly steps: number }
  | { readonly outcome: 'unknown'; readonly reason: string; readonly steps: number }
  | ShrunkReport<Req, Res>;

const DEFAULT_MAX_STEPS = 2_000_000;

export const SEQUENTIAL_WORDING: ViolationWording = {
  verdict: 'not sequentially consistent',
  order: "in one order that keeps each client's operations in the order it issued them",
  fits: 'ordered so',
};

/**
 * Checks that `history` is sequentially consistent with respect to `model` (Lamport): the
 * operations can be put in one order, in which each client's operations keep the order
 * the client issued them (real time between clients does not count), such that stepping
 * the model gives every completed operation its result. Unlike linearizability, this is
 * not local: a history can be sequentially consistent key by key and not as a whole, so
 * a per-key model is lifted to the whole store (`wholeStore`) and the history checked in
 * one search, bounded by `maxSteps`. Deciding it is NP-complete: the search finds orders
 * quickly for a few hundred operations, but a long history that is not linearizable
 * (so real time cannot guide it) may well come back 'unknown'. A history that is
 * linearizable is accepted at the cost of the (per-key, real-time guided) linearizability
 * check, which runs first.
 */
export function checkSequential<State, Req, Res>(
  history: History<Req, Res>,
  model: Model<State, Req, Res>,
  options: SequentialOptions = {},
): SequentialResult<Req, Res> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const keyOf = model.key;
  const whole: Model<unknown, Req, Res> =
    keyOf !== undefined && history.every((op) => keyOf(op.req) !== undefined)
      ? (wholeStore(model) as Model<unknown, Req, Res>)
      : (model as Model<unknown, Req, Res>);
  // A linearizable (sub-)history is sequentially consistent, and real time makes that
  // search far cheaper: try it first, on the whole history and on each shrinking candidate.
  const linearizableFirst = (ops: readonly Operation<Req, Res>[], possible: ReadonlySet<Operation<Req, Res>>, budget: Budget) =>
    searchLinearization(ops.map((op) => toSearchOp(op, possible.has(op))), whole, budget) === 'ok';
  const search = (ops: readonly Operation<Req, Res>[], possible: ReadonlySet<Operation<Req, Res>>, budget: Budget) =>
    linearizableFirst(ops, possible, budget)
      ? 'ok'
      : searchSequential(ops.map((op): ClientSearchOp<Req, Res> => ({ ...toSearchOp(op, possible.has(op)), client: op.client })), whole, budget);
  // On the whole history, key by key (linearizability is local): its linearization keeps each client's order.
  const lin = checkLinearizability(history, model, { maxSteps, shrink: false });
  if (lin.outcome === 'ok') return { outcome: 'ok', steps: lin.steps };
  const budget: Budget = { maxSteps, steps: 0 };
  const outcome = search(history, new Set(), budget);
  if (outcome === 'ok') return { outcome: 'ok', steps: budget.steps };
  if (outcome === 'budget') return { outcome: 'unknown', reason: `budget exhausted after ${budget.steps} steps`, steps: budget.steps };
  const failing =
    options.shrink === false
      ? { core: history.slice(), context: [], minimal: false }
      : shrinkViolation(history, search, maxSteps, options.maxShrinkSteps ?? maxSteps);
  const inFailing = new Set([...failing.core, ...failing.context]);
  return {
    outcome: 'violation',
    operations: history.filter((op) => inFailing.has(op)),
    core: failing.core,
    context: failing.context,
    minimal: failing.minimal,
    explanation: explainViolation(undefined, failing.core, failing.context, model as Model<unknown, Req, Res>, failing.minimal, SEQUENTIAL_WORDING),
    steps: budget.steps,
  };
}
