/**
 * A sequential specification: what a linearizability check compares a history against.
 * The checker looks for one order of the operations, consistent with real time, in which
 * stepping the model from `init()` through each request yields the result that request
 * actually returned.
 *
 * With `key`, the model is P-compositional (Herlihy & Wing's locality): operations on
 * different keys never affect each other, so each key's operations are checked alone,
 * and `init()` and `step()` then describe the state of ONE key. A model without `key`
 * (or a history with an operation whose `key` is undefined) is checked as one whole.
 */
export interface Model<State, Req, Res> {
  init(): State;
  /**
   * The state after `req` and the model's result for it. `observed` is what the operation
   * returned (undefined when that is unknown: the operation timed out, or its result is
   * set aside). A deterministic model ignores it; a nondeterministic one (as Porcupine
   * allows) picks, among the states `req` may lead to, one that returns `observed`, and
   * returns `observed` as its result, or any other result when none can.
   */
  step(state: State, req: Req, observed?: Res): { state: State; result: Res };
  /** Whether the model's result matches what the operation returned (default: structural equality). */
  equalResults?(model: Res, actual: Res): boolean;
  /** Whether two states are the same, for the search's memo (default: structural equality). */
  equalStates?(a: State, b: State): boolean;
  /** The part of the state the request touches; undefined: all of it. */
  key?(req: Req): string | undefined;
  /** A short human-readable form of a request and, once known, its result, for explanations. */
  describe?(req: Req, result: Res | undefined): string;
}

/** Structural equality of JSON-like values (primitives, arrays, plain objects). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** The default `describe`: the request and its result as JSON. */
export function describeJson(req: unknown, result: unknown): string {
  return result === undefined ? JSON.stringify(req) : `${JSON.stringify(req)} -> ${JSON.stringify(result)}`;
}
