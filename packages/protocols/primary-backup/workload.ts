import type { WorkloadSpec } from '@faultline/runtime';
import type { Req } from './messages.ts';

/** Few keys, so reads and writes of one key interleave often. */
export const KEYS = ['a', 'b', 'c'] as const;

/**
 * Three clients, 60% puts and 40% gets. Every value is `${client}:${n}` (the client's
 * request number), unique across the run, so a lost write is visible and a read's value
 * names the put it came from. `seq` lets the primary drop a late copy of an old request.
 */
export const workload: WorkloadSpec<Req> = {
  clients: 3,
  thinkMs: 20,
  timeoutMs: 500,
  retries: 20,
  next(rng, client, n) {
    const key = rng.pick(KEYS);
    return rng.random() < 0.6 ? { type: 'put', key, value: `${client}:${n}`, seq: n } : { type: 'get', key, seq: n };
  },
};
