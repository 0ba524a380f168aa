import type { WorkloadSpec } from '@faultline/runtime';
import type { Req } from './messages.ts';

/** Few elements, so adds and removes of one element race often. */
export const ELEMENTS = ['apple', 'fig', 'kiwi', 'lime'] as const;

/** Three clients: 40% adds, 25% removes, the rest reads (get 20%, iterate 10%, size 5%). */
export const workload: WorkloadSpec<Req> = {
  clients: 3,
  thinkMs: 20,
  timeoutMs: 300,
  retries: 3,
  next(rng) {
    const elem = rng.pick(ELEMENTS);
    const x = rng.random();
    if (x < 0.4) return { type: 'add', elem };
    if (x < 0.65) return { type: 'remove', elem };
    if (x < 0.85) return { type: 'get', elem };
    if (x < 0.95) return { type: 'iterate' };
    return { type: 'size' };
  },
};

/** The same load, each request numbered (`seq`), as level `sequential-per-item` wants. */
export const numberedWorkload: WorkloadSpec<Req> = {
  ...workload,
  next: (rng, client, n) => ({ ...workload.next(rng, client, n), seq: n }),
};
