import type { WorkloadSpec } from '@faultline/runtime';
import type { Req } from './messages.ts';
import type { Template } from './tuples.ts';

/** First fields: two hash to partition 0 and two to partition 1 (of two). */
export const NAMES = ['job', 'task', 'done', 'lock'] as const;

/**
 * Four clients: 40% outs, 15% rdp, 10% rd, 20% in, 15% inp. Tuples are `[name, k]` with
 * k in 0..2, so takers race for few tuples; half the templates have a wildcard.
 */
export const workload: WorkloadSpec<Req> = {
  clients: 4,
  thinkMs: 20,
  timeoutMs: 400,
  retries: 3,
  next(rng) {
    const name = rng.pick(NAMES);
    const k = rng.int(3);
    const x = rng.random();
    if (x < 0.4) return { type: 'out', tuple: [name, k] };
    const template: Template = rng.random() < 0.5 ? [name, null] : [name, k];
    if (x < 0.55) return { type: 'rdp', template };
    if (x < 0.65) return { type: 'rd', template };
    if (x < 0.85) return { type: 'in', template };
    return { type: 'inp', template };
  },
};
