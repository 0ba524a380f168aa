import { eventually, type Property } from '@faultline/runtime';
import { checkCausal, type CausalResult } from './causal.ts';
import type { KvReq, KvRes } from './kv-model.ts';

export interface CausalPropertyOptions {
  /** Called with every result. */
  readonly onResult?: (result: CausalResult) => void;
}

/**
 * An `eventually` property: once the run is quiescent, the key-value client history is
 * causally consistent (`checkCausal`). The workload must write unique values; a history
 * that reuses one fails with a message starting `inconclusive:`.
 */
export function causallyConsistent<S>(name: string, options: CausalPropertyOptions = {}): Property<S, KvReq, KvRes> {
  return eventually<S, KvReq, KvRes>(
    name,
    'the client history is causally consistent: no read misses a write causally before it, reads its own future, or returns a value nobody wrote',
    (view) => {
      const result = checkCausal(view.history);
      options.onResult?.(result);
      if (result.outcome === 'ok') return true;
      if (result.outcome === 'violation') return result.explanation;
      return `inconclusive: ${result.reason}`;
    },
  );
}
