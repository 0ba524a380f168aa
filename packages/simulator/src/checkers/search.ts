import { Bitset } from './bitset.ts';
import { SearchMemo } from './memo.ts';
import { deepEqual, type Model } from './model.ts';

/** One operation as the search sees it. */
export interface SearchOp<Req, Res> {
  readonly req: Req;
  readonly invokeMs: number;
  /**
   * `definite`: completed with `result`, so it took effect once inside its window.
   * `open`: timed out or pending: it may have taken effect at any time after its
   * invocation, or never; its result is unknown (`completeMs` is ignored).
   * `optional`: it may have taken effect once inside its window, or never; its result is
   * ignored (how shrinking keeps the operations it sets aside as context).
   */
  readonly kind: 'definite' | 'open' | 'optional';
  readonly completeMs: number;
  readonly result: Res | undefined;
}

/** Work allowed and done, in model steps; shared by every search it is passed to. */
export interface Budget {
  readonly maxSteps: number;
  steps: number;
}

export type SearchOutcome = 'ok' | 'violation' | 'budget';

/**
 * Is this sub-history linearizable? Wing & Gong's search with Lowe's memo (the algorithm
 * of Knossos and Porcupine): the operations' calls and returns, sorted by time, form a
 * doubly linked list. From the front, the search tries to linearize each call that comes
 * before the first return still in the list (a call there is concurrent with everything
 * before that return); stepping the model must give the result the operation returned.
 * On success it removes the call and its return from the list and starts again from the
 * front; on reaching a return (that operation cannot be put off any longer), it backtracks.
 * A memo of (set of linearized operations, model state) skips any configuration reached
 * before by another order: the rest of the search from it would be the same.
 *
 * An operation that timed out or is pending (`open`) has no return in the list: it may
 * be linearized anywhere after its call, or never. The history is linearizable once every
 * operation with a return has been linearized. An `optional` operation has a return but
 * two ways to be linearized: taking effect (any result), or as a no-op.
 *
 * Calls sort before returns at the same instant, so operations that touch are treated as
 * concurrent (the lenient reading: a checker must not report what might not be a bug).
 *
 * Each try of a call (a model step, or an optional operation as a no-op) counts against `budget`; when it runs out the answer is 'budget'.
 */
export function searchLinearization<State, Req, Res>(
  ops: readonly SearchOp<Req, Res>[],
  model: Model<State, Req, Res>,
  budget: Budget,
): SearchOutcome {
  const n = ops.length;
  const equalResults = model.equalResults ?? deepEqual;
  const equalStates = model.equalStates ?? deepEqual;

  // Entries: 2i is op i's call, 2i+1 its return (none for open ops). Slot 2n is the head.
  const order: number[] = [];
  let remaining = 0;
  for (let i = 0; i < n; i++) {
    order.push(2 * i);
    if (ops[i]!.kind !== 'open') {
      order.push(2 * i + 1);
      remaining++;
    }
  }
  const time = (e: number) => (e & 1 ? ops[e >> 1]!.completeMs : ops[e >> 1]!.invokeMs);
  order.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    return ta < tb ? -1 : ta > tb ? 1 : (a & 1) - (b & 1) || a - b;
  });

  const HEAD = 2 * n;
  const NIL = -1;
  const next = new Int32Array(2 * n + 1).fill(NIL);
  const prev = new Int32Array(2 * n + 1).fill(NIL);
  let last = HEAD;
  for (const e of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  const unlink = (e: number) => {
    const p = prev[e]!;
    const q = next[e]!;
    next[p] = q;
    if (q !== NIL) prev[q] = p;
  };
  const relink = (e: number) => {
    const p = prev[e]!;
    const q = next[e]!;
    next[p] = e;
    if (q !== NIL) prev[q] = e;
  };

  const linearized = new Bitset(n);
  const memo = new SearchMemo<State>(equalStates);
  const remember = (state: State): boolean => memo.remember(linearized, state);

  // Each frame: the call linearized, the state before it, and which way (0: took effect; 1: no-op).
  const stackCall: number[] = [];
  const stackWay: number[] = [];
  const stackState: State[] = [];
  let state = model.init();
  let entry = next[HEAD]!;
  let way = 0;
  while (remaining > 0) {
    if (entry !== NIL && (entry & 1) === 0) {
      const i = entry >> 1;
      const op = ops[i]!;
      let after: State | undefined;
      let fits = true;
      if (budget.steps >= budget.maxSteps) return 'budget';
      budget.steps++;
      if (way === 0) {
        const out = model.step(state, op.req, op.kind === 'definite' ? op.result : undefined);
        after = out.state;
        fits = op.kind !== 'definite' || equalResults(out.result, op.result as Res);
      } else {
        after = state;
      }
      if (fits) {
        linearized.add(i);
        if (remember(after)) {
          stackCall.push(entry);
          stackWay.push(way);
          stackState.push(state);
          state = after;
          unlink(entry);
          if (op.kind !== 'open') {
            unlink(entry + 1);
            remaining--;
          }
          entry = next[HEAD]!;
          way = 0;
          continue;
        }
        linearized.remove(i);
      }
      if (way === 0 && op.kind === 'optional') way = 1;
      else {
        entry = next[entry]!;
        way = 0;
      }
    } else {
      // A return (or the end of the list): every way forward from here failed.
      const call = stackCall.pop();
      if (call === undefined) return 'violation';
      state = stackState.pop()!;
      const tried = stackWay.pop()!;
      const i = call >> 1;
      const kind = ops[i]!.kind;
      linearized.remove(i);
      if (kind !== 'open') {
        relink(call + 1);
        remaining++;
      }
      relink(call);
      if (tried === 0 && kind === 'optional') {
        entry = call;
        way = 1;
      } else {
        entry = next[call]!;
        way = 0;
      }
    }
  }
  return 'ok';
}
