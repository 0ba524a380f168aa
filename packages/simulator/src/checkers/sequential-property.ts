import type { Property } from '@faultline/runtime';
import { historyProperty } from './linearizable-property.ts';
import type { Model } from './model.ts';
import { checkSequential, type SequentialOptions, type SequentialResult } from './sequential.ts';
import { checkSequentialPerKey } from './sequential-per-key.ts';

export interface SequentialPropertyOptions<Req, Res> extends SequentialOptions {
  /** What an inconclusive check reports: `violation` (default, a message starting `inconclusive:`) or `pass`. */
  readonly inconclusive?: 'violation' | 'pass';
  /** Called with every result. */
  readonly onResult?: (result: SequentialResult<Req, Res>) => void;
}

/** An `eventually` property: once the run is quiescent, the whole client history is sequentially consistent with respect to `model`. */
export function sequentiallyConsistent<S, Req, Res, State = unknown>(
  name: string,
  model: Model<State, Req, Res>,
  options: SequentialPropertyOptions<Req, Res> = {},
): Property<S, Req, Res> {
  return historyProperty<S, Req, Res, SequentialResult<Req, Res>>(
    name,
    "the client history is sequentially consistent: the operations fit one order that keeps each client's own order",
    (history) => checkSequential(history, model, options),
    options,
  );
}

/** An `eventually` property: once the run is quiescent, each key's operations alone are sequentially consistent (`checkSequentialPerKey`). */
export function sequentiallyConsistentPerKey<S, Req, Res, State = unknown>(
  name: string,
  model: Model<State, Req, Res>,
  options: SequentialPropertyOptions<Req, Res> = {},
): Property<S, Req, Res> {
  return historyProperty<S, Req, Res, SequentialResult<Req, Res>>(
    name,
    "each key's operations are sequentially consistent: they fit one order that keeps each client's own order",
    (history) => checkSequentialPerKey(history, model, options),
    options,
  );
}
