import { eventually, type Property } from '@faultline/runtime';
import type { Model } from './model.ts';
import { checkSequential, type SequentialOptions, type SequentialResult } from './sequential.ts';

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
  return eventually<S, Req, Res>(
    name,
    "the client history is sequentially consistent: the operations fit one order that keeps each client's own order",
    (view) => {
      const result = checkSequential(view.history, model, options);
      options.onResult?.(result);
      if (result.outcome === 'ok') return true;
      if (result.outcome === 'violation') return result.explanation;
      return options.inconclusive === 'pass' || `inconclusive: ${result.reason} (not shown to be a violation; raise maxSteps or shorten the run)`;
    },
  );
}
