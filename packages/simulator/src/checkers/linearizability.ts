import type { History, Operation } from '@faultline/runtime';
import { explainViolation } from './explain.ts';
import type { Model } from './model.ts';
import { searchLinearization, type Budget, type SearchOp } from './search.ts';
import { shrinkViolation, type ShrunkViolation } from './shrink.ts';

export interface LinearizabilityOptions {
  /** Model steps the search may take per key (per partition) before answering 'unknown'. Default 2,000,000. */
  readonly maxSteps?: number;
  /** Shrink a violation to a minimal set of operations (default true). */
  readonly shrink?: boolean;
  /** Model steps all of shrinking may take (default: maxSteps); each candidate check gets at most what is left. */
  readonly maxShrinkSteps?: number;
}

/** A violation shrunk to the operations that conflict (shared by the linearizability and sequential checkers). */
export interface ShrunkReport<Req, Res> {
  readonly outcome: 'violation';
  /** `core` and `context` together, in invocation order: a set that cannot be ordered. */
  readonly operations: readonly Operation<Req, Res>[];
  /**
   * Operations that cannot be ordered even if every other operation may or may not have
   * taken effect; without any one of them, they can (1-minimal, unless shrinking ran out
   * of budget).
   */
  readonly core: readonly Operation<Req, Res>[];
  /** Other operations the core needs to be told as a story: typically the writes its reads saw. */
  readonly context: readonly Operation<Req, Res>[];
  readonly minimal: boolean;
  readonly explanation: string;
  readonly steps: number;
}

export type LinearizabilityResult<Req = unknown, Res = unknown> =
  | { readonly outcome: 'ok'; readonly steps: number; readonly partitions: number }
  | { readonly outcome: 'unknown'; readonly reason: string; readonly key: string | undefined; readonly steps: number }
  | (ShrunkReport<Req, Res> & {
      /** The partition that failed (undefined when the history was checked as a whole). */
      readonly key: string | undefined;
    });

const DEFAULT_MAX_STEPS = 2_000_000;

/**
 * Checks that `history` is linearizable with respect to `model` (see `searchLinearization`
 * for the algorithm). With `model.key`, each key's operations are checked alone, smallest
 * partition first; the first violation found is shrunk and reported. A partition that
 * runs out of budget makes the answer 'unknown' unless another one is a violation.
 */
export function checkLinearizability<State, Req, Res>(
  history: History<Req, Res>,
  model: Model<State, Req, Res>,
  options: LinearizabilityOptions = {},
): LinearizabilityResult<Req, Res> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const partitions = partition(history, model);
  let steps = 0;
  let unknown: { key: string | undefined; steps: number } | undefined;
  for (const [key, ops] of partitions) {
    const budget: Budget = { maxSteps, steps: 0 };
    const outcome = searchLinearization(ops.map((op) => toSearchOp(op)), model, budget);
    steps += budget.steps;
    if (outcome === 'budget') unknown ??= { key, steps: budget.steps };
    if (outcome !== 'violation') continue;
    const failing =
      options.shrink === false
        ? { core: ops, context: [], minimal: false }
        : shrinkOperations(ops, model, maxSteps, options.maxShrinkSteps ?? maxSteps);
    const inContext = new Set(failing.context);
    return {
      outcome: 'violation',
      key,
      operations: ops.filter((op) => inContext.has(op) || failing.core.includes(op)),
      core: failing.core,
      context: failing.context,
      minimal: failing.minimal,
      explanation: explainViolation(key, failing.core, failing.context, model as Model<unknown, Req, Res>, failing.minimal),
      steps,
    };
  }
  if (unknown !== undefined) {
    const where = unknown.key === undefined ? '' : ` on key ${JSON.stringify(unknown.key)}`;
    return { outcome: 'unknown', reason: `budget exhausted after ${unknown.steps} steps${where}`, key: unknown.key, steps };
  }
  return { outcome: 'ok', steps, partitions: partitions.length };
}

/**
 * Per key when the model has `key` and every operation has one; otherwise one partition
 * of everything. Smallest first, ties by key, so cheap partitions are decided first.
 */
function partition<Req, Res>(history: History<Req, Res>, model: Model<unknown, Req, Res>): [string | undefined, Operation<Req, Res>[]][] {
  const keyOf = model.key;
  if (keyOf === undefined) return [[undefined, history.slice()]];
  const byKey = new Map<string, Operation<Req, Res>[]>();
  for (const op of history) {
    const key = keyOf(op.req);
    if (key === undefined) return [[undefined, history.slice()]];
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push(op);
  }
  return [...byKey].sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * A completed operation keeps its window and result; one that timed out or is pending is
 * open-ended with an unknown result. `possible`: a completed one only may have taken effect.
 */
export function toSearchOp<Req, Res>(op: Operation<Req, Res>, possible = false): SearchOp<Req, Res> {
  if (op.status !== 'ok' || op.completeMs === undefined) return { req: op.req, invokeMs: op.invokeMs, kind: 'open', completeMs: Infinity, result: undefined };
  return { req: op.req, invokeMs: op.invokeMs, kind: possible ? 'optional' : 'definite', completeMs: op.completeMs, result: op.result };
}

/** Shrinks a non-linearizable partition (see `shrinkViolation`) with the linearizability search. */
function shrinkOperations<State, Req, Res>(
  ops: readonly Operation<Req, Res>[],
  model: Model<State, Req, Res>,
  maxStepsPerCheck: number,
  maxShrinkSteps: number,
): ShrunkViolation<Operation<Req, Res>> {
  return shrinkViolation(
    ops,
    (sub, possible, budget) => searchLinearization(sub.map((op) => toSearchOp(op, possible.has(op))), model, budget),
    maxStepsPerCheck,
    maxShrinkSteps,
  );
}
