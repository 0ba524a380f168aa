import type { WorkloadSpec } from '@faultline/runtime';
import type { Req } from './messages.ts';

/** Few keys, so that operations on one key interleave often. */
export const KEYS = ['a', 'b', 'c'] as const;

/**
 * Three clients: half puts, a third gets, the rest compare-and-sets. Every written value
 * is `${client}:${n}`, unique in the run; a cas expects the client's previous value (or
 * an absent key), so some succeed. `seq` is the request number, for the sessions.
 */
export const workload: WorkloadSpec<Req> = {
  clients: 3,
  thinkMs: 20,
  timeoutMs: 500,
  retries: 20,
  next(rng, client, n) {
    const key = rng.pick(KEYS);
    const value = `${client}:${n}`;
    const r = rng.random();
    if (r < 0.5) return { type: 'put', key, value, seq: n };
    if (r < 0.83) return { type: 'get', key, seq: n };
    const expected = n > 0 && rng.random() < 0.8 ? `${client}:${n - 1}` : null;
    return { type: 'cas', key, expected, value, seq: n };
  },
};
