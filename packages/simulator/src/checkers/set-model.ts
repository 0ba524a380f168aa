import { canonicalJson } from '@faultline/runtime';
import type { Model } from './model.ts';

/** Requests of a grow-only set (Jepsen's set workload): add an element, read them all. `key` names one of several sets. */
export type SetReq = { readonly type: 'add'; readonly key?: string; readonly value: unknown } | { readonly type: 'read'; readonly key?: string };

export type SetRes = { readonly type: 'add-ok' } | { readonly type: 'read-ok'; readonly values: readonly unknown[] };

/** The elements, each as canonical JSON, sorted: equal sets are equal arrays. */
export type SetState = readonly string[];

const members = (values: readonly unknown[]): string[] => [...new Set(values.map(canonicalJson))].sort();
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A linearizable grow-only set: `add` puts an element in, `read` returns every element
 * added so far (in any order; duplicates in a read count once). Partitioned by `key`
 * when the requests carry one.
 */
export const setModel: Model<SetState, SetReq, SetRes> = {
  init: () => [],
  step(state, req) {
    if (req.type === 'read') return { state, result: { type: 'read-ok', values: state.map((m) => JSON.parse(m) as unknown) } };
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
