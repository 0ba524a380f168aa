import type { Operation } from '@faultline/runtime';
import { Rng, appendModel, kvModel, queueModel, randomCasHistory, randomKvHistory, randomModelHistory, setModel, type Model } from '@faultline/simulator';

type AnyModel = Model<unknown, unknown, unknown>;
const opts = (seed: string) => ({ seed, operations: 40, clients: 4, openRatio: 0.1, latencyMsMax: 8 });

/** Generated histories per model, as made (linearizable). */
export const HISTORIES: Readonly<Record<string, { model: AnyModel; make: (seed: string) => Operation[] }>> = {
  'cas-register': { model: kvModel as AnyModel, make: (seed) => randomCasHistory({ ...opts(seed), latencyMsMax: 8 }) as Operation[] },
  kv: { model: kvModel as AnyModel, make: (seed) => randomKvHistory({ seed, operations: 40, clients: 4, keys: 2, timeoutRatio: 0.1, latencyMsMax: 8 }) as Operation[] },
  append: {
    model: appendModel as AnyModel,
    make: (seed) =>
      randomModelHistory(appendModel, opts(seed), (rng, c, n) => {
        const k = String(rng.int(2));
        return { type: 'txn' as const, ops: rng.chance(0.5) ? [['append', k, n] as const] : [['r', k, null] as const] };
      }) as Operation[],
  },
  set: { model: setModel as AnyModel, make: (seed) => randomModelHistory(setModel, opts(seed), (rng, _c, n) => (rng.chance(0.6) ? { type: 'add' as const, value: n } : { type: 'read' as const })) as Operation[] },
  queue: { model: queueModel as AnyModel, make: (seed) => randomModelHistory(queueModel, opts(seed), (rng, _c, n) => (rng.chance(0.55) ? { type: 'enqueue' as const, value: n } : { type: 'dequeue' as const })) as Operation[] },
};

/** Swaps the results of two completed operations of the same kind whose results differ: often no longer linearizable. */
export function swapResults(ops: Operation[], seed: string): Operation[] {
  const rng = new Rng(seed);
  const done = ops.filter((op) => op.status === 'ok');
  for (let tries = 0; tries < 50; tries++) {
    const a = done[rng.int(done.length)]!;
    const b = done[rng.int(done.length)]!;
    if (a === b || (a.req as { type: string }).type !== (b.req as { type: string }).type || JSON.stringify(a.result) === JSON.stringify(b.result)) continue;
    [a.result, b.result] = [b.result, a.result];
    break;
  }
  return ops;
}

