import { deepEqual, type Model } from './model.ts';

/** The whole store: one state per key touched so far (keys never touched are at `init()`). */
export type StoreState<S> = Readonly<Record<string, S>>;

/**
 * A per-key model (one with `key`) lifted to a model of every key at once, for checks
 * that are not local and must see the whole history in one order (sequential
 * consistency: a history can be sequentially consistent key by key and not as a whole).
 * States are copied on write, so a search can keep the ones it has passed through.
 */
export function wholeStore<S, Req, Res>(model: Model<S, Req, Res>): Model<StoreState<S>, Req, Res> {
  const keyOf = model.key!;
  const equalStates = model.equalStates ?? deepEqual;
  const lifted: Model<StoreState<S>, Req, Res> = {
    init: () => ({}),
    step(store, req, observed) {
      const key = keyOf(req) ?? '';
      const before = Object.prototype.hasOwnProperty.call(store, key) ? store[key]! : model.init();
      const out = model.step(before, req, observed);
      return { state: out.state === before ? store : { ...store, [key]: out.state }, result: out.result };
    },
    equalStates(a, b) {
      for (const key in a) if (!equalStates(a[key]!, Object.prototype.hasOwnProperty.call(b, key) ? b[key]! : model.init())) return false;
      for (const key in b) if (!Object.prototype.hasOwnProperty.call(a, key) && !equalStates(model.init(), b[key]!)) return false;
      return true;
    },
  };
  if (model.equalResults !== undefined) lifted.equalResults = model.equalResults;
  if (model.describe !== undefined) lifted.describe = model.describe;
  return lifted;
}
