import type { WorkloadSpec } from '@faultline/runtime';
import type { Req, ServiceLevel } from './messages.ts';

const LEVELS: readonly ServiceLevel[] = ['fifo', 'agreed', 'safe'];

/**
 * Eight clients (two per node, so each sender has several messages in flight and a fifo
 * bug shows) multicast through the node they talk to, each level equally often; every
 * payload (`client:n`) is unique. No retries: a retry through another node would be a
 * second multicast of the same payload, which the group rightly delivers twice.
 */
export const workload: WorkloadSpec<Req> = {
  clients: 8,
  thinkMs: 20,
  timeoutMs: 2_000,
  retries: 0,
  next(rng, client, n) {
    return { type: 'mcast', service: rng.pick(LEVELS), payload: `${client}:${n}` };
  },
};
