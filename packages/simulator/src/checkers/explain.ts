import type { Operation } from '@faultline/runtime';
import { describeJson, type Model } from './model.ts';

const ms = (t: number): string => `${t.toFixed(3)} ms`;

/** An operation's real-time window as explanations print it: `[invoked .. replied]` in ms. */
export function msWindow(op: Operation<unknown, unknown>): string {
  const ok = op.status === 'ok' && op.completeMs !== undefined;
  return `[${ms(op.invokeMs)} .. ${ok ? ms(op.completeMs!) : 'no reply'}]`;
}

/** How an explanation names the condition checked. */
export interface ViolationWording {
  /** The verdict, e.g. `not linearizable`. */
  readonly verdict: string;
  /** The order the operations must fit, e.g. `in an order that respects real time`. */
  readonly order: string;
  /** What the rest can be without any one core operation, e.g. `linearized`. */
  readonly fits: string;
}

export const LINEARIZABLE_WORDING: ViolationWording = { verdict: 'not linearizable', order: 'in an order that respects real time', fits: 'linearized' };

/**
 * A readable account of a violation: the core operations that cannot be ordered and
 * the context they need, one line each in invocation order, with client, request id,
 * real-time window (as `window` prints it) and result.
 */
export function explainViolation<Req, Res>(
  key: string | undefined,
  core: readonly Operation<Req, Res>[],
  context: readonly Operation<Req, Res>[],
  model: Model<unknown, Req, Res>,
  minimal: boolean,
  wording: ViolationWording = LINEARIZABLE_WORDING,
  window: (op: Operation<Req, Res>) => string = msWindow,
): string {
  const describe = model.describe ?? describeJson;
  const line = (op: Operation<Req, Res>) => {
    const ok = op.status === 'ok' && op.completeMs !== undefined;
    const status = ok ? '' : ` (${op.status}: may or may not have taken effect)`;
    return `  ${op.client} ${op.id} ${window(op)} ${describe(op.req, ok ? op.result : undefined)}${status}`;
  };
  const where = key === undefined ? '' : ` of key ${JSON.stringify(key)}`;
  const n = core.length;
  const parts = [
    n === 1
      ? `${wording.verdict}: this operation${where} cannot take effect, ${wording.order}, and return what it returned:`
      : `${wording.verdict}: these ${n} operations${where} cannot all take effect, ${wording.order}, and return what they returned:`,
    ...core.map(line),
  ];
  if (context.length > 0) parts.push('given these operations (each may have taken effect inside its window, or not at all):', ...context.map(line));
  parts.push(
    minimal
      ? n === 1
        ? `If this operation may or may not have taken effect (its result set aside), the rest can be ${wording.fits}.`
        : `If any one of the first ${n} operations may or may not have taken effect (its result set aside), the rest can be ${wording.fits}.`
      : 'Shrinking stopped at its budget: a smaller set may exist.',
  );
  return parts.join('\n');
}
