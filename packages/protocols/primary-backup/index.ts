import { defineProtocol, type NodeSpec } from '@faultline/runtime';
import { BUGS, type Bug } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { PrimaryBackup } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { PrimaryBackup } from './service.ts';
export { BUGS, TIMING, LIMITS, type Bug, type Options } from './config.ts';
export type { Req, Res, Msg, Op, Store, ViewInfo, Ballot, Timer } from './messages.ts';
export type { State, Status } from './state.ts';
export { properties, noLostWrites, onePrimaryPerView, readsSeeAcknowledgedWrites, convergesAfterHeal, inSyncReplicas } from './properties.ts';
export { workload } from './workload.ts';

/**
 * Five founders vote on view changes; n6 joins later, knowing only n1. Five, not three:
 * state is volatile, so a restarted founder cannot vote until it has been readmitted, but
 * the simulator counts it as healthy as soon as it restarts and may crash another node
 * at once. With three founders a second crash in that window (or while the first crash
 * is still undetected) leaves one voter of three and the cluster stuck for good (about 5%
 * of seeds); five keep a majority through one crash plus one recovering node.
 */
const FOUNDERS = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;
const NODES: readonly NodeSpec[] = [
  ...FOUNDERS.map((id) => ({ id })),
  { id: 'n6', joinAtMs: 2_000, contacts: ['n1'] },
];

function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

export const primaryBackup = defineProtocol<State, Req, Res>({
  name: 'primary-backup',
  description:
    'Passive replication of a key-value store: the primary applies each request and replicates it to every member before replying; ' +
    'numbered views are changed by a majority of the founding replicas, the new primary adopting the most up-to-date state; ' +
    'restarted and late nodes rejoin through any node and receive the state.',
  // `founders` (an option of a deployment's cluster config) replaces the simulator's five.
  create({ bug, founders }: { bug?: string; founders?: unknown }) {
    if (bug !== undefined && !isBug(bug)) throw new Error(`primary-backup has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    if (founders !== undefined && !(Array.isArray(founders) && founders.length > 0 && founders.every((f) => typeof f === 'string'))) {
      throw new Error('option founders must be a non-empty array of node ids');
    }
    return new PrimaryBackup({ bug, founders: (founders as string[] | undefined) ?? FOUNDERS });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: NODES,
  maxFaultyNodes: 1,
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});
