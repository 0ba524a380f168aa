import { canonicalJson } from '@faultline/runtime';
import type { Model } from './model.ts';

/** One step of a list-append transaction (Jepsen's list-append workload): append `value` to `key`'s list, or read the list. */
export type MicroOp = readonly ['append', string, unknown] | readonly ['r', string, unknown];

/** A transaction of micro-operations, applied in order, atomically. */
export interface AppendReq {
  readonly type: 'txn';
  readonly ops: readonly MicroOp[];
}

/** What each micro-operation saw: a read's list (null: the key was never appended to), undefined for an append. */
export interface AppendRes {
  readonly type: 'txn-ok';
  readonly reads: readonly (readonly unknown[] | null | undefined)[];
}

/** Each touched key's list; keys never appended to are absent. */
export type AppendState = Readonly<Record<string, readonly unknown[]>>;

const keysOf = (req: AppendReq) => new Set(req.ops.map((op) => op[1]));

/**
 * Lists per key, appended to and read by transactions that take effect atomically
 * (linearizability of list-append histories, as Knossos checks them; Elle's cycle-based
 * isolation checks are another matter). A transaction on one key is partitioned by that
 * key; a history with any transaction over several keys is checked as a whole.
 * A read of a key never appended to returns null, which matches an empty list.
 */
export const appendModel: Model<AppendState, AppendReq, AppendRes> = {
  init: () => ({}),
  step(state, req) {
    let next: Record<string, readonly unknown[]> | undefined;
    const reads: (readonly unknown[] | null | undefined)[] = [];
    for (const [f, key, value] of req.ops) {
      const cur = (next ?? state)[key];
      if (f === 'r') reads.push(cur ?? null);
      else {
        next ??= { ...state };
        next[key] = [...(cur ?? []), value];
        reads.push(undefined);
      }
    }
    return { state: next ?? state, result: { type: 'txn-ok', reads } };
  },
  equalResults(model, actual) {
    if (actual === undefined || actual === null) throw new Error('append model: a transaction completed with no result; give it its reads, or mark it unknown');
    return model.reads.every((read, i) => {
      if (read === undefined) return true;
      return canonicalJson(actual.reads[i] ?? []) === canonicalJson(read ?? []);
    });
  },
  equalStates: (a, b) => canonicalJson(a) === canonicalJson(b),
  key(req) {
    const keys = keysOf(req);
    return keys.size === 1 ? [...keys][0] : undefined;
  },
  describe(req, result) {
    const parts = req.ops.map(([f, key, value], i) => {
      if (f === 'append') return `append ${key} ${canonicalJson(value)}`;
      const read = result?.reads[i];
      return `r ${key}${result === undefined ? '' : ` -> ${read === undefined ? '?' : canonicalJson(read ?? [])}`}`;
    });
    return `[${parts.join(', ')}]`;
  },
};
