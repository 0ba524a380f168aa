import type { Model } from './model.ts';

/**
 * Requests a key-value store (or, with one key, a register) understands. Extra fields
 * (such as primary-backup's client `seq`) are ignored.
 */
export type KvReq =
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | { readonly type: 'get'; readonly key: string }
  /** Compare-and-set: sets `value` only if the key currently holds `expected` (null: absent). */
  | { readonly type: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string };

export type KvRes =
  | { readonly type: 'put-ok' }
  | { readonly type: 'get-ok'; readonly value: string | null }
  | { readonly type: 'cas-ok' }
  | { readonly type: 'cas-fail' };

/** One key's value; null until it is first written. */
export type KvState = string | null;

/**
 * A linearizable key-value store, one key at a time (the checker partitions by `key`):
 * a put sets the value, a get returns it (null if never written), a cas sets it only
 * when it holds `expected`. Matches primary-backup's Req and Res.
 */
export const kvModel: Model<KvState, KvReq, KvRes> = {
  init: () => null,
  step(state, req) {
    switch (req.type) {
      case 'put':
        return { state: req.value, result: { type: 'put-ok' } };
      case 'get':
        return { state, result: { type: 'get-ok', value: state } };
      case 'cas':
        return state === req.expected ? { state: req.value, result: { type: 'cas-ok' } } : { state, result: { type: 'cas-fail' } };
    }
  },
  equalResults(model, actual) {
    if (actual === undefined || actual === null)
      throw new Error('kv model: an operation completed (status ok) with no result; give it its result, or status timeout if the result is unknown');
    return model.type === actual.type && (model.type !== 'get-ok' || model.value === (actual as { value?: unknown }).value);
  },
  equalStates: (a, b) => a === b,
  key: (req) => req.key,
  describe(req, result) {
    const call =
      req.type === 'put' ? `put ${req.key}=${req.value}` : req.type === 'get' ? `get ${req.key}` : `cas ${req.key} ${req.expected ?? 'null'}->${req.value}`;
    if (result === undefined) return call;
    return `${call} -> ${result.type === 'get-ok' ? (result.value ?? 'null') : result.type}`;
  },
};
