import type { Operation } from '@faultline/runtime';
import { Kw, SetOf, num, type JepsenOp } from './jepsen-writer.ts';

type R = Record<string, unknown>;

/** Register operations (kv requests) in Jepsen's terms; `tuple` wraps values as jepsen.independent's [key value]. */
function register(op: Operation, tuple: boolean): JepsenOp {
  const req = op.req as R;
  const res = op.result as R | undefined;
  const wrap = (v: unknown) => (tuple ? [req.key, v] : v);
  if (req.type === 'get') return { f: 'read', invoke: wrap(null), type: 'ok', value: wrap(num((res?.value as string | null) ?? null)) };
  if (req.type === 'put') return { f: 'write', invoke: wrap(num(req.value as string)), type: 'ok', value: wrap(num(req.value as string)) };
  const arg = wrap([num(req.expected as string | null), num(req.value as string)]);
  return { f: 'cas', invoke: arg, type: res?.type === 'cas-fail' ? 'fail' : 'ok', value: arg };
}

/** Per model name, how its generated operations are written in Jepsen's EDN. */
export const JEPSEN: Readonly<Record<string, (op: Operation) => JepsenOp>> = {
  'cas-register': (op) => register(op, false),
  kv: (op) => register(op, true),
  append(op) {
    const ops = (op.req as { ops: [string, string, unknown][] }).ops;
    const reads = (op.result as { reads?: unknown[] } | undefined)?.reads ?? [];
    const invoke = ops.map(([f, k, v]) => [new Kw(f), k, f === 'r' ? null : v]);
    return { f: 'txn', invoke, type: 'ok', value: ops.map(([f, k, v], i) => [new Kw(f), k, f === 'r' ? (reads[i] ?? null) : v]) };
  },
  set(op) {
    const req = op.req as R;
    if (req.type === 'add') return { f: 'add', invoke: req.value, type: 'ok', value: req.value };
    return { f: 'read', invoke: null, type: 'ok', value: new SetOf(((op.result as R | undefined)?.values as unknown[]) ?? []) };
  },
  queue(op) {
    const req = op.req as R;
    if (req.type === 'enqueue') return { f: 'enqueue', invoke: req.value, type: 'ok', value: req.value };
    const res = op.result as R | undefined;
    return { f: 'dequeue', invoke: null, type: 'ok', value: res?.type === 'dequeue-ok' ? res.value : null };
  },
};
