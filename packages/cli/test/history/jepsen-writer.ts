import type { Operation } from '@faultline/runtime';

/** A keyword, for `edn()`. */
export class Kw {
  constructor(readonly name: string) {}
}
/** A set, for `edn()`. */
export class SetOf {
  constructor(readonly items: readonly unknown[]) {}
}

/** A value in EDN (our own writer: nil, numbers, strings, keywords, vectors, sets, maps with keyword keys). */
export function edn(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (v instanceof Kw) return `:${v.name}`;
  if (v instanceof SetOf) return `#{${v.items.map(edn).join(' ')}}`;
  if (Array.isArray(v)) return `[${v.map(edn).join(' ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `:${k} ${edn(x)}`).join(', ')}}`;
}

/** How one operation reads in Jepsen's terms: its :f, the invocation's :value, and the completion's :type and :value. */
export interface JepsenOp {
  readonly f: string;
  readonly invoke: unknown;
  readonly type: 'ok' | 'fail';
  readonly value: unknown;
}

/** Register values are small integers in Jepsen's tests: write "3" as 3. */
export const num = (v: string | null) => (v === null ? null : /^-?\d+$/.test(v) ? Number(v) : v);

/**
 * A Jepsen EDN history (one map per line, with :index and :time in ns) of `ops`: each
 * operation's invocation at its invokeMs and completion at its completeMs, :info for one
 * that timed out (at invokeMs + `infoAfterMs`), nothing for a pending one.
 */
export function jepsenHistory(ops: readonly Operation[], jepsen: (op: Operation) => JepsenOp, infoAfterMs = 20): string {
  const process = (client: string) => Number(client.replace(/\D/g, '')) || 0;
  const events: { t: number; order: number; line: Record<string, unknown> }[] = [];
  ops.forEach((op, n) => {
    const j = jepsen(op);
    const base = { process: process(op.client), f: new Kw(j.f) };
    events.push({ t: op.invokeMs, order: 2 * n, line: { type: new Kw('invoke'), ...base, value: j.invoke } });
    if (op.status === 'ok') events.push({ t: op.completeMs!, order: 2 * n + 1, line: { type: new Kw(j.type), ...base, value: j.value } });
    else if (op.status === 'timeout') events.push({ t: op.invokeMs + infoAfterMs, order: 2 * n + 1, line: { type: new Kw('info'), ...base, value: j.invoke } });
  });
  // A completion before an invocation at the same instant: the generated windows touch, and Jepsen logs in real order.
  events.sort((a, b) => a.t - b.t || (b.order & 1) - (a.order & 1) || a.order - b.order);
  return events.map((e, index) => edn({ index, time: Math.round(e.t * 1e6), ...e.line })).join('\n') + '\n';
}
