import type { History, Operation } from '@faultline/runtime';
import type { Model } from './model.ts';
import { checkSequential, type SequentialOptions, type SequentialResult } from './sequential.ts';

/**
 * Sequential consistency per key: each key's operations alone fit one order that keeps
 * each client's own order (the orders of different keys need not agree). Weaker than
 * sequential consistency of the whole history, which is not local. Operations whose key
 * is undefined (whole-collection reads, say) are not checked. The first key (in sorted
 * order) that fails is reported, its explanation prefixed with the key; the steps of all
 * keys' checks are added up, and any key whose check is inconclusive makes the result so.
 */
export function checkSequentialPerKey<State, Req, Res>(
  history: History<Req, Res>,
  model: Model<State, Req, Res>,
  options: SequentialOptions = {},
): SequentialResult<Req, Res> {
  const keyOf = model.key;
  if (keyOf === undefined) throw new Error('a check per key needs a model with key()');
  const byKey = new Map<string, Operation<Req, Res>[]>();
  for (const op of history) {
    const k = keyOf(op.req);
    if (k === undefined) continue;
    let ops = byKey.get(k);
    if (ops === undefined) byKey.set(k, (ops = []));
    ops.push(op);
  }
  const single: Model<State, Req, Res> = { ...model, key: undefined };
  let steps = 0;
  let unknown: string | undefined;
  for (const k of [...byKey.keys()].sort()) {
    const r = checkSequential(byKey.get(k)!, single, options);
    steps += r.steps;
    if (r.outcome === 'violation') return { ...r, explanation: `key ${k}: ${r.explanation}` };
    if (r.outcome === 'unknown') unknown ??= `key ${k}: ${r.reason}`;
  }
  return unknown === undefined ? { outcome: 'ok', steps } : { outcome: 'unknown', reason: unknown, steps };
}
