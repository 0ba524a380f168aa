import type { WorkloadSpec } from '@faultline/runtime';
import { workload as collectionWorkload } from '../epidemic-collection/index.ts';
import type { Req } from './messages.ts';

export const ITEMS = ['milk', 'eggs', 'bread', 'rice'] as const;

/**
 * Three clients, with the collection's timeouts and retries (its quiet period is derived
 * from them): 30% need, 10% recipe (two or three items), 20% bought, 5% checkout, the rest
 * reads (has 20%, list 10%, pantry 5%).
 */
export const workload: WorkloadSpec<Req> = {
  clients: 3,
  thinkMs: 20,
  timeoutMs: collectionWorkload.timeoutMs,
  retries: collectionWorkload.retries,
  next(rng) {
    const item = rng.pick(ITEMS);
    const x = rng.random();
    if (x < 0.3) return { type: 'need', item };
    if (x < 0.4) return { type: 'recipe', items: ITEMS.filter(() => rng.random() < 0.6).slice(0, 3) };
    if (x < 0.6) return { type: 'bought', item };
    if (x < 0.65) return { type: 'checkout' };
    if (x < 0.85) return { type: 'has', item };
    if (x < 0.95) return { type: 'list' };
    return { type: 'pantry' };
  },
};
