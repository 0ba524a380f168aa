import type { WorkloadSpec } from '@faultline/runtime';
import { homeOf } from './home.ts';
import type { Req } from './messages.ts';

/** Few keys, so reads and writes of one key interleave often. */
export const KEYS = ['a', 'b', 'c'] as const;

/** Two users' lists of posts, each posted to by every client. */
export const USERS = ['ann', 'bob'] as const;

/**
 * Four clients, each sent to its home replica (its front end, which sends its gets and
 * reads to the replicas in turn): a quarter each puts, gets, posts and reads. Every value
 * and post text is `${client}:${n}`, unique across the run (the causal check names a write
 * by its value, the order check a post by its text). `seq` is the client's request number.
 */
export const workload: WorkloadSpec<Req> = {
  clients: 4,
  thinkMs: 20,
  timeoutMs: 300,
  retries: 20,
  target: (client) => homeOf(client),
  next(rng, client, n) {
    const r = rng.random();
    if (r < 0.25) return { type: 'put', key: rng.pick(KEYS), value: `${client}:${n}`, seq: n };
    if (r < 0.5) return { type: 'get', key: rng.pick(KEYS), seq: n };
    const user = rng.pick(USERS);
    return r < 0.75 ? { type: 'post', user, text: `${client}:${n}`, seq: n } : { type: 'read', user, seq: n };
  },
};
