import { canonicalJson } from '@faultline/runtime';
import type { Model } from './model.ts';

/** Requests of a grow-only set (Jepsen's set workload): add an element, read them all. `key` names one of several sets. */
export type SetReq = { readonly type: 'add'; readonly key?: string; readonly value: unknown } | { readonly type: 'read'; readonly key?: string };

export type SetRes = { readonly type: 'add-ok' } | { readonly type: 'read-ok'; readonly values: readonly unknown[] };

/** The elements, each as canonical JSON, sorted: equal sets are equal arrays. */
export type SetState = readonly string[];

const membersCache = new WeakMap<readonly unknown[], readonly string[]>();
/** A read's elements as the state holds them (cached per result: a search compares one result many times). */
function members(values: readonly unknown[]): readonly string[] {
  let m = membersCache.get(values);
  if (m === undefined) membersCache.set(values, (m = [...new Set(values.map(canonicalJson))].sort()));
  return m;
}
const valuesCache = new WeakMap<SetState, readonly unknown[]>();
/** A state's elements as values (parsed once per state; their members known without encoding them again). */
function valuesOf(state: SetState): readonly unknown[] {
  let v = valuesCache.get(state);
  if (v === undefined) {
    valuesCache.set(state, (v = state.map((m) => JSON.parse(m) as unknown)));
    membersCache.set(v, state);
  }
  return v;
}
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A linearizable grow-only set: `add` puts an element in, `read` returns every element
 * added so far (in any order; duplicates in a read count once). Partitioned by `key`
 * when the requests carry one.
 */
export const setModel: Model<SetState, SetReq, SetRes> = {
  init: () => [],
  step(state, req) {
    if (req.type === 'read') return { state, result: { type: 'read-ok', values: valuesOf(state) } };
    const m = canonicalJson(req.value);
    if (state.includes(m)) return { state, result: { type: 'add-ok' } };
    return { state: [...state, m].sort(), result: { type: 'add-ok' } };
  },
  equalResults(model, actual) {
    if (actual === undefined || actual === null) throw new Error('set model: an operation completed with no result; give it its result, or mark it unknown');
    if (model.type !== actual.type) return false;
    return model.type !== 'read-ok' || sameList(members(model.values), members((actual as { values: readonly unknown[] }).values));
  },
  equalStates: sameList,
  key: (req) => req.key,
  describe(req, result) {
    const on = req.key === undefined ? '' : ` ${req.key}`;
    const call = req.type === 'add' ? `add${on} ${canonicalJson(req.value)}` : `read${on}`;
    if (result === undefined || result.type === 'add-ok') return call;
    return `${call} -> #{${result.values.map(canonicalJson).join(' ')}}`;
  },
};
