import type { Property } from '@faultline/runtime';
import { historyProperty } from './linearizable-property.ts';
import { checkCausal, type CausalResult } from './causal.ts';
import type { KvReq, KvRes } from './kv-model.ts';

export interface CausalPropertyOptions {
  /** Called with every result. */
  readonly onResult?: (result: CausalResult) => void;
}

/**
 * An `eventually` property: once the run is quiescent, the key-value client history is
 * causally consistent (`checkCausal`). The workload must write unique values; a history
 * that reuses one fails with a message starting `inconclusive:` that names the values.
 */
export function causallyConsistent<S>(name: string, options: CausalPropertyOptions = {}): Property<S, KvReq, KvRes> {
  return historyProperty<S, KvReq, KvRes, CausalResult>(
    name,
    'the client history is causally consistent: no read misses a write causally before it, reads its own future, or returns a value nobody wrote',
    (history) => checkCausal(history),
    options,
    'the check needs each value written to a key at most once',
  );
}
