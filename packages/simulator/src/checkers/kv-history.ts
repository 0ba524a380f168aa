import type { Operation } from '@faultline/runtime';
import { Rng } from '../rng.ts';
import { timedOperations } from './op-windows.ts';
import type { KvReq, KvRes } from './kv-model.ts';

export interface KvHistoryOptions {
  readonly seed: string;
  readonly operations: number;
  readonly clients: number;
  readonly keys: number;
  /** Share of gets (the rest are puts). */
  readonly readRatio?: number;
  /** Share of operations that time out (half of them take effect). */
  readonly timeoutRatio?: number;
  /** An operation lasts between 1 ms and this long. */
  readonly latencyMsMax?: number;
}

/**
 * A linearizable history from a simulated key-value store, made deterministically from
 * a seed: clients issue operations one at a time (with think time), each operation takes
 * effect at a random instant inside its window, and gets return what the store held then.
 * Timed-out operations take effect or not. For benchmarks and tests of the checker.
 */
export function randomKvHistory(o: KvHistoryOptions): Operation<KvReq, KvRes>[] {
  const rng = new Rng(o.seed);
  const readRatio = o.readRatio ?? 0.5;
  const timeoutRatio = o.timeoutRatio ?? 0.01;
  const latencyMsMax = o.latencyMsMax ?? 10;
  const ops = timedOperations<KvReq, KvRes>(rng, { operations: o.operations, clients: o.clients, openRatio: timeoutRatio, latencyMsMax }, (c, n) => {
    const key = `k${rng.int(o.keys)}`;
    return rng.random() < readRatio ? { type: 'get', key } : { type: 'put', key, value: `c${c}:${n}` };
  });
  const store = new Map<string, string>();
  for (const { op, applies } of ops.slice().sort((a, b) => a.atMs - b.atMs)) {
    if (!applies) continue;
    const req = op.req;
    if (req.type === 'put') store.set(req.key, req.value);
    const result: KvRes = req.type === 'get' ? { type: 'get-ok', value: store.get(req.key) ?? null } : { type: 'put-ok' };
    if (op.status === 'ok') op.result = result;
  }
  return ops.map((x) => x.op).sort((a, b) => a.invokeMs - b.invokeMs);
}
