import { eventually, type History, type Property } from '@faultline/runtime';
import { checkLinearizability, type LinearizabilityOptions, type LinearizabilityResult } from './linearizability.ts';
import type { Model } from './model.ts';

export interface LinearizablePropertyOptions<Req, Res> extends LinearizabilityOptions {
  /**
   * What an inconclusive check (the search ran out of budget) reports. `violation` (the
   * default): the run fails with a message starting `inconclusive:`, so it is never taken
   * for a pass; `pass`: the run passes, and only `onResult` sees the outcome.
   */
  readonly inconclusive?: 'violation' | 'pass';
  /** Called with every result, e.g. to count inconclusive runs in a campaign. */
  readonly onResult?: (result: LinearizabilityResult<Req, Res>) => void;
}

/**
 * An `eventually` property: once the run is quiescent, the whole client history is
 * linearizable with respect to `model`. A violation's message lists a minimal set of
 * operations that cannot be linearized.
 */
export function linearizable<S, Req, Res, State = unknown>(
  name: string,
  model: Model<State, Req, Res>,
  options: LinearizablePropertyOptions<Req, Res> = {},
): Property<S, Req, Res> {
  return historyProperty<S, Req, Res, LinearizabilityResult<Req, Res>>(
    name,
    'the client history is linearizable: every operation appears to take effect at one instant between its invocation and its reply',
    (history) => checkLinearizability(history, model, options),
    options,
  );
}

/**
 * An `eventually` property that runs a bounded history check once the run is quiescent:
 * a violation's explanation is the message; an inconclusive result fails with a message
 * starting `inconclusive:` unless `options.inconclusive` is `pass`.
 */
export function historyProperty<S, Req, Res, R extends { outcome: 'ok' } | { outcome: 'violation'; explanation: string } | { outcome: 'unknown'; reason: string }>(
  name: string,
  description: string,
  check: (history: History<Req, Res>) => R,
  options: { readonly inconclusive?: 'violation' | 'pass'; readonly onResult?: (result: R) => void },
  hint = 'not shown to be a violation; raise maxSteps or shorten the run',
): Property<S, Req, Res> {
  return eventually<S, Req, Res>(name, description, (view) => {
    const result = check(view.history);
    options.onResult?.(result);
    switch (result.outcome) {
      case 'ok':
        return true;
      case 'violation':
        return result.explanation;
      case 'unknown':
        if (options.inconclusive === 'pass') return true;
        return `inconclusive: ${result.reason} (${hint})`;
    }
  });
}
