import type { WorkloadSpec } from '@faultline/runtime';
import type { Req, ServiceLevel } from './messages.ts';

const LEVELS: readonly ServiceLevel[] = ['reliable', 'fifo', 'causal', 'agreed', 'safe'];
const GROUPS: readonly string[] = ['g1', 'g2', 'g3', 'g4'];

/**
 * Eight clients (two per node, so each sender has several messages in flight and a fifo
 * bug shows). A request is a join (15%) or leave (10%) of one of four groups by the node
 * the client talks to, else a multicast to one or two of them (one in three goes to two),
 * each level equally often; every payload (`client:n`) is unique. No retries: a retry
 * through another node would be a second multicast of the same payload, which the group
 * rightly delivers twice.
 */
export const workload: WorkloadSpec<Req> = {
  clients: 8,
  thinkMs: 20,
  timeoutMs: 2_000,
  retries: 0,
  next(rng, client, n) {
    const kind = rng.int(20);
    if (kind < 3) return { type: 'join', group: rng.pick(GROUPS) };
    if (kind < 5) return { type: 'leave', group: rng.pick(GROUPS) };
    const first = rng.pick(GROUPS);
    const groups = rng.int(3) === 0 ? [first, rng.pick(GROUPS.filter((g) => g !== first))] : [first];
    return { type: 'mcast', service: rng.pick(LEVELS), groups, payload: `${client}:${n}` };
  },
};
