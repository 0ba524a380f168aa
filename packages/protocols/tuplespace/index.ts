import { defineProtocol, type NodeSpec } from '@faultline/runtime';
import { BUGS, FOUNDERS, type Bug } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { Tuplespace } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { Tuplespace } from './service.ts';
export { BUGS, TIMING, LIMITS, GROUP_SIZE, FOUNDERS, type Bug, type Options } from './config.ts';
export type { Req, Res, Msg, Entry, Take, TupleId, OutBatch, Timer } from './messages.ts';
export type { State, Waiting, Candidacy } from './state.ts';
export { matches, hash, partitionOf, groupsOf, type Field, type Tuple, type Template } from './tuples.ts';
export { properties, noDoubleTake, takenNeverReappears, weakOpsConverge, blockedServed, answersMatch } from './properties.ts';
export { workload, NAMES } from './workload.ts';

/**
 * Six founders in two partitions of three; n7 and n8 join the running tuplespace (one
 * replica more for each partition, by the fewest-replicas rule). Joiners start empty and
 * get the partition's log from its sequencer and its tuples by pull anti-entropy: with Ken's
 * reliable links, that state transfer is what exercises the anti-entropy path.
 */
const NODES: readonly NodeSpec[] = [
  ...FOUNDERS.map((id) => ({ id })),
  { id: 'n7', joinAtMs: 2_500, contacts: ['n1'] },
  { id: 'n8', joinAtMs: 5_000, contacts: ['n4'] },
];

function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

export const tuplespace = defineProtocol<State, Req, Res>({
  name: 'tuplespace',
  description:
    'A tuplespace partitioned by the hash of the first field over replica groups: out, rd and rdp are weak (one replica, then push and pull ' +
    'anti-entropy on operation vectors); in and inp are strong (a replicated log per partition, each take committed by a majority of the group; ' +
    'a silent sequencer is replaced by majority vote); nodes join a running tuplespace as replicas; state survives crashes with Ken.',
  // `founders` (an option of a deployment's cluster config) replaces the simulator's six.
  create({ bug, founders }: { bug?: string; founders?: unknown }) {
    if (bug !== undefined && !isBug(bug)) throw new Error(`tuplespace has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    if (founders !== undefined && !(Array.isArray(founders) && founders.length > 0 && founders.every((f) => typeof f === 'string'))) {
      throw new Error('option founders must be a non-empty array of node ids');
    }
    return new Tuplespace({ bug, founders: founders as string[] | undefined });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  ken: true,
  nodes: NODES,
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});

export default tuplespace;
