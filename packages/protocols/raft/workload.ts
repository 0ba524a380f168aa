import type { WorkloadRandom, WorkloadSpec } from '@faultline/runtime';
import type { Req } from './messages.ts';

/** Three keys shared by every client, so that their operations on one key interleave. */
export const KEYS = ['a', 'b', 'c'] as const;

/**
 * Request `n` of `client`: a put (half), a get (a third) or a compare-and-set. Every
 * written value is `${client}:${n}`, unique in the run; a cas mostly expects the client's
 * previous value, so some succeed. `seq` = `n` is what the sessions deduplicate by.
 */
function request(rng: WorkloadRandom, client: string, n: number): Req {
  const key = rng.pick(KEYS);
  const value = `${client}:${n}`;
  const draw = rng.random();
  if (draw >= 0.83) return { type: 'cas', key, expected: n > 0 && rng.random() < 0.8 ? `${client}:${n - 1}` : null, value, seq: n };
  return draw < 0.5 ? { type: 'put', key, value, seq: n } : { type: 'get', key, seq: n };
}

/** A client waits 500 ms for an answer (about one election), and tries 20 more times. */
export const workload: WorkloadSpec<Req> = { clients: 3, thinkMs: 20, timeoutMs: 500, retries: 20, next: request };
