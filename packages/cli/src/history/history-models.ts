import { canonicalJson } from '@faultline/runtime';
import { appendModel, kvModel, queueModel, setModel, type KvReq, type KvRes, type MicroOp, type Model } from '@faultline/simulator';
import { HistoryInputError, type HistoryOp } from './history-events.ts';

/** A Jepsen operation as a model's request and, for an `:ok` one, its result. */
export interface Translated {
  readonly req: unknown;
  readonly result?: unknown;
}

/** A model `check-history` knows, and how Jepsen's operations (`:f`, `:value`) read as its requests. */
export interface HistoryModel {
  readonly name: string;
  readonly summary: string;
  readonly model: Model<unknown, unknown, unknown>;
  /**
   * The request (and, when `op.outcome` is ok, the result) of a Jepsen operation;
   * `skip` for a `:fail` that means the operation did not happen. `failIsResult`: the
   * format reads a failed cas as refused by the compare (Porcupine's reading).
   */
  translate(op: HistoryOp, failIsResult: boolean): Translated | 'skip';
  /** Whether the causal checker (key-value requests) can check it. */
  readonly causal: boolean;
}

const bad = (op: HistoryOp, what: string): never => {
  throw new HistoryInputError(op.invokeLine, `${what} (:f :${op.f}, :value ${canonicalJson(op.invokeValue)})`);
};

/** A register value as the kv model's string (nil: never written). */
const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : canonicalJson(v));

/** A register operation as a kv request: read/get, write/put, cas [old new]; the key given, or the register's. */
function registerOp(op: HistoryOp, key: string, arg: unknown, result: unknown, failIsResult: boolean): Translated | 'skip' {
  const ok = op.outcome === 'ok';
  switch (op.f) {
    case 'read':
    case 'get':
      if (op.outcome === 'fail') return 'skip';
      return ok ? { req: { type: 'get', key }, result: { type: 'get-ok', value: text(result) } satisfies KvRes } : { req: { type: 'get', key } };
    case 'write':
    case 'put':
      if (op.outcome === 'fail') return 'skip';
      return { req: { type: 'put', key, value: text(arg) ?? bad(op, 'a write needs a value') } satisfies KvReq, ...(ok ? { result: { type: 'put-ok' } } : {}) };
    case 'cas': {
      if (!Array.isArray(arg) || arg.length !== 2) return bad(op, 'a cas needs [expected new]');
      const req: KvReq = { type: 'cas', key, expected: text(arg[0]), value: text(arg[1]) ?? bad(op, 'a cas needs a new value') };
      if (op.outcome === 'fail') return failIsResult ? { req, result: { type: 'cas-fail' } } : 'skip';
      return ok ? { req, result: { type: 'cas-ok' } } : { req };
    }
    default:
      return bad(op, `the ${op.f === 'txn' ? 'kv' : 'register'} model knows read, write and cas`);
  }
}

const casRegister: HistoryModel = {
  name: 'cas-register',
  summary: 'one register: read, write v, cas [expected new] (Knossos cas-register)',
  model: kvModel as Model<unknown, unknown, unknown>,
  translate: (op, failIsResult) => registerOp(op, 'r', op.invokeValue, op.value, failIsResult),
  causal: true,
};

const kv: HistoryModel = {
  name: 'kv',
  summary: 'registers per key: get/read, put/write, cas; key in :key or :value [key v]',
  model: kvModel as Model<unknown, unknown, unknown>,
  translate(op, failIsResult) {
    if (op.key !== undefined) return registerOp(op, String(op.key), op.invokeValue, op.value, failIsResult);
    const tuple = (v: unknown) => (Array.isArray(v) && v.length === 2 ? v : bad(op, 'a kv operation needs :key or a [key value] tuple'));
    const [key, arg] = tuple(op.invokeValue);
    const result = op.outcome === 'ok' ? tuple(op.value)[1] : undefined;
    return registerOp(op, text(key) ?? 'nil', arg, result, failIsResult);
  },
  causal: true,
};

/** Jepsen's list-append micro-operations ([:append k v] / [:r k list]) as the append model's. */
function microOps(op: HistoryOp, value: unknown): MicroOp[] {
  if (!Array.isArray(value)) return bad(op, 'a txn needs a vector of [f key value] micro-operations');
  return value.map((m): MicroOp => {
    if (!Array.isArray(m) || m.length !== 3 || (m[0] !== 'append' && m[0] !== 'r')) return bad(op, 'each micro-operation must be [:append key value] or [:r key list]');
    return [m[0], text(m[1]) ?? 'nil', m[2]] as MicroOp;
  });
}

const append: HistoryModel = {
  name: 'append',
  summary: 'lists per key: txn [[:append k v] [:r k list] ...] (Jepsen list-append), or :f :append/:r with :key',
  model: appendModel as Model<unknown, unknown, unknown>,
  translate(op) {
    if (op.outcome === 'fail') return 'skip';
    const ops =
      op.f === 'txn'
        ? microOps(op, op.invokeValue)
        : op.f === 'append' || op.f === 'r' || op.f === 'read'
          ? [[op.f === 'append' ? 'append' : 'r', text(op.key) ?? bad(op, `:f :${op.f} needs a :key`), op.invokeValue] as MicroOp]
          : bad(op, 'the append model knows txn, append and r');
    if (op.outcome !== 'ok') return { req: { type: 'txn', ops } };
    const done = op.f === 'txn' ? microOps(op, op.value) : [[ops[0]![0], ops[0]![1], op.value] as MicroOp];
    if (done.length !== ops.length) return bad(op, 'the completion lists a different number of micro-operations than the invocation');
    return { req: { type: 'txn', ops }, result: { type: 'txn-ok', reads: done.map((m) => (m[0] === 'r' ? ((m[2] as unknown[] | null) ?? null) : undefined)) } };
  },
  causal: false,
};

const keyOf = (op: HistoryOp) => (op.key === undefined ? {} : { key: text(op.key) ?? 'nil' });

const set: HistoryModel = {
  name: 'set',
  summary: 'a grow-only set: add v, read -> #{...} (Jepsen set)',
  model: setModel as Model<unknown, unknown, unknown>,
  translate(op) {
    if (op.outcome === 'fail') return 'skip';
    const ok = op.outcome === 'ok';
    if (op.f === 'add') return { req: { type: 'add', ...keyOf(op), value: op.invokeValue }, ...(ok ? { result: { type: 'add-ok' } } : {}) };
    if (op.f === 'read') {
      if (ok && !Array.isArray(op.value)) return bad(op, 'a read returns a set or a vector');
      return { req: { type: 'read', ...keyOf(op) }, ...(ok ? { result: { type: 'read-ok', values: op.value } } : {}) };
    }
    return bad(op, 'the set model knows add and read');
  },
  causal: false,
};

const queue: HistoryModel = {
  name: 'queue',
  summary: 'a FIFO queue: enqueue v, dequeue -> v (nil: empty) (Jepsen queue)',
  model: queueModel as Model<unknown, unknown, unknown>,
  translate(op) {
    if (op.outcome === 'fail') return 'skip';
    const ok = op.outcome === 'ok';
    if (op.f === 'enqueue') return { req: { type: 'enqueue', ...keyOf(op), value: op.invokeValue }, ...(ok ? { result: { type: 'enqueue-ok' } } : {}) };
    if (op.f === 'dequeue')
      return { req: { type: 'dequeue', ...keyOf(op) }, ...(ok ? { result: op.value === null ? { type: 'empty' } : { type: 'dequeue-ok', value: op.value } } : {}) };
    return bad(op, 'the queue model knows enqueue and dequeue');
  },
  causal: false,
};

export const HISTORY_MODELS: readonly HistoryModel[] = [kv, casRegister, append, set, queue];

/**
 * A user's model with no translation of its own: a Jepsen operation's request is
 * `{ f, value, key? }` (the invocation's) and its result the completion's `:value`.
 */
export function plainTranslation(op: HistoryOp): Translated | 'skip' {
  if (op.outcome === 'fail') return 'skip';
  const req = { f: op.f, value: op.invokeValue, ...(op.key === undefined ? {} : { key: op.key }) };
  return op.outcome === 'ok' ? { req, result: op.value } : { req };
}
