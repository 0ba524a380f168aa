import type { WorkloadSpec } from '@faultline/runtime';
import { homeOf } from './home.ts';
import type { Req } from './messages.ts';

/** Few keys, so reads and writes of one key interleave often. */
export const KEYS = ['a', 'b', 'c'] as const;

/**
 * Four clients, half puts and half gets, each sent to its home replica (its front end,
 * which sends its gets to the replicas in turn). Every value is `${client}:${n}`, unique
 * across the run (the causal check needs it: it names a write by its value). `seq` is the
 * client's request number.
 */
export const workload: WorkloadSpec<Req> = {
  clients: 4,
  thinkMs: 20,
  timeoutMs: 300,
  retries: 20,
  target: (client) => homeOf(client),
  next(rng, client, n) {
    const key = rng.pick(KEYS);
    return rng.random() < 0.5 ? { type: 'put', key, value: `${client}:${n}`, seq: n } : { type: 'get', key, seq: n };
  },
};
