import type { ClientId, NodeId } from '@faultline/runtime';

/** The founding replicas, each the front end of some clients. */
export const FOUNDERS: readonly NodeId[] = ['n1', 'n2', 'n3'];

/** The replica that hosts `client`'s front end: a fixed function of its id, known to every replica and to the workload. */
export function homeOf(client: ClientId, founders: readonly NodeId[] = FOUNDERS): NodeId {
  let h = 0;
  for (let i = 0; i < client.length; i++) h = (Math.imul(h, 31) + client.charCodeAt(i)) | 0;
  return founders[(h >>> 0) % founders.length]!;
}
