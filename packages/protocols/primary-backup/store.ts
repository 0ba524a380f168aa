import type { Op, Res, Store } from './messages.ts';
import type { Ctx } from './state.ts';

/** The store as a handler sees it: an immer draft (the runtime does not re-export immer's `Draft`). */
export type StoreDraft = Ctx['state']['store'];

/**
 * Applies `op` (whose seq must be `store.seq + 1`) to the store and records the result in
 * the client's session. Every replica applies the same ops in the same order, so every
 * replica computes the same results: a get's result is part of the replicated state too.
 */
export function applyOp(store: StoreDraft, op: Op): Res {
  const req = op.req;
  let result: Res;
  if (req.type === 'put') {
    (store.data[req.key] ??= []).push(req.value);
    result = { type: 'put-ok' };
  } else {
    result = { type: 'get-ok', value: latest(store, req.key) };
  }
  store.seq = op.seq;
  store.lastView = op.view;
  store.sessions[op.client] = { reqSeq: req.seq ?? -1, requestId: op.requestId, opSeq: op.seq, result };
  return result;
}

/** The newest value of `key`, or null. */
export function latest(store: Store | StoreDraft, key: string): string | null {
  const values = store.data[key];
  return values === undefined || values.length === 0 ? null : values[values.length - 1]!;
}
