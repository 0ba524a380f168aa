import { Bitset } from './bitset.ts';
import { SearchMemo } from './memo.ts';
import { deepEqual, type Model } from './model.ts';
import type { Budget, SearchOp, SearchOutcome } from './search.ts';

/** An operation as the sequential search sees it: a search operation and whose program it belongs to. */
export interface ClientSearchOp<Req, Res> extends SearchOp<Req, Res> {
  readonly client: string;
}

interface Frame<State> {
  /** The operations that may come next here, in the order they are tried. */
  readonly candidates: readonly number[];
  /** The one candidate is a read that fits: it is taken without a memo entry. */
  readonly forced: boolean;
  /** The one being tried, and how (0: takes effect; 1: an optional one as a no-op). */
  index: number;
  way: number;
  readonly state: State;
}

/**
 * Is there one order of the operations, keeping each client's operations in the order it
 * issued them (ignoring real time between clients), in which stepping the model gives
 * every completed operation the result it returned? A depth-first search over orders:
 * the candidates next are the first unplaced operation of each client (tried earliest
 * invocation first, the order a real-time history most likely has) and any unanswered
 * operation whose predecessors are placed. It shares Lowe's memo with the
 * linearizability search: a (set of placed operations, model state) pair reached before
 * is not explored again.
 *
 * `ops` are in invocation order. A `definite` operation must take effect with its
 * result; an `open` one (timed out or pending) may take effect at any point after the
 * client's earlier operations, or never, and constrains nothing after it (a late retry
 * may land after the client moved on); an `optional` one may take effect in its place
 * (any result) or not at all. Each try counts a step against `budget`.
 */
export function searchSequential<State, Req, Res>(
  ops: readonly ClientSearchOp<Req, Res>[],
  model: Model<State, Req, Res>,
  budget: Budget,
): SearchOutcome {
  const equalResults = model.equalResults ?? deepEqual;
  const clientIndex = new Map<string, number>();
  const chains: number[][] = [];
  const floating: { op: number; client: number; after: number }[] = [];
  const clientOf = new Int32Array(ops.length);
  let remaining = 0;
  ops.forEach((op, i) => {
    let c = clientIndex.get(op.client);
    if (c === undefined) {
      clientIndex.set(op.client, (c = chains.length));
      chains.push([]);
    }
    clientOf[i] = c;
    if (op.kind === 'open') floating.push({ op: i, client: c, after: chains[c]!.length });
    else {
      chains[c]!.push(i);
      remaining++;
    }
  });
  const pos = new Int32Array(chains.length);
  const placed = new Bitset(ops.length);
  const memo = new SearchMemo<State>(model.equalStates ?? deepEqual);

  /**
   * What may come next from `state`. A client's next operation that completed, leaves
   * the state as it is (a read) and returns its result here is the only candidate: taking
   * it now loses nothing, since moving a read that fits forward past operations of other
   * clients changes no result (a partial-order reduction; its step is counted).
   */
  const candidates = (state: State): { list: number[]; forced: boolean } => {
    const fronts: number[] = [];
    for (let c = 0; c < chains.length; c++) {
      const next = chains[c]![pos[c]!];
      if (next === undefined) continue;
      const op = ops[next]!;
      if (op.kind === 'definite') {
        budget.steps++;
        const out = model.step(state, op.req, op.result);
        if (out.state === state && equalResults(out.result, op.result as Res)) return { list: [next], forced: true };
      }
      fronts.push(next);
    }
    for (const f of floating) if (!placed.has(f.op) && pos[f.client]! >= f.after) fronts.push(f.op);
    fronts.sort((a, b) => hint(a) - hint(b) || a - b);
    return { list: fronts, forced: false };
  };
  /** When the operation most likely took effect: completed ones by their reply, open ones at their invocation. */
  const hint = (i: number) => (ops[i]!.kind === 'open' ? ops[i]!.invokeMs : ops[i]!.completeMs);
  const place = (i: number, sign: 1 | -1) => {
    if (sign === 1) placed.add(i);
    else placed.remove(i);
    if (ops[i]!.kind === 'open') return;
    pos[clientOf[i]!]! += sign;
    remaining -= sign;
  };
  const advance = (f: Frame<State>) => {
    if (f.way === 0 && ops[f.candidates[f.index]!]!.kind === 'optional') f.way = 1;
    else {
      f.index++;
      f.way = 0;
    }
  };

  const initial = model.init();
  memo.remember(placed, initial);
  const frame = (state: State): Frame<State> => {
    const next = candidates(state);
    return { candidates: next.list, forced: next.forced, index: 0, way: 0, state };
  };
  const stack: Frame<State>[] = [frame(initial)];
  while (remaining > 0) {
    const top = stack[stack.length - 1]!;
    if (top.index >= top.candidates.length) {
      // Every way forward from here failed: undo the move that led here.
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent === undefined) return 'violation';
      place(parent.candidates[parent.index]!, -1);
      advance(parent);
      continue;
    }
    if (budget.steps >= budget.maxSteps) return 'budget';
    budget.steps++;
    const i = top.candidates[top.index]!;
    const op = ops[i]!;
    let after = top.state;
    let fits = true;
    if (top.way === 0) {
      const out = model.step(top.state, op.req, op.kind === 'definite' ? op.result : undefined);
      after = out.state;
      fits = op.kind !== 'definite' || equalResults(out.result, op.result as Res);
    }
    if (fits) {
      place(i, 1);
      if (top.forced || memo.remember(placed, after)) {
        stack.push(frame(after));
        continue;
      }
      place(i, -1);
    }
    advance(top);
  }
  return 'ok';
}
