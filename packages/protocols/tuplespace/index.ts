import { defineProtocol, type CreateOptions, type NodeSpec } from '@faultline/runtime';
import { BUGS, FOUNDERS, TIMING, type Bug } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { Tuplespace } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { Tuplespace } from './service.ts';
export { BUGS, TIMING, LIMITS, GROUP_SIZE, FOUNDERS, LEAVES, type Bug, type Options } from './config.ts';
export type { Req, Res, Msg, Entry, Take, TupleId, OutBatch, Timer } from './messages.ts';
export type { State, Waiting, Candidacy } from './state.ts';
export { handedOver } from './leave.ts';
export { KEYS, initialDirectory, ownerOf, learnDirectory, type Directory, type Part, type PartitionId } from './directory.ts';
export { matches, hash, keyOf, groupsOf, type Field, type Tuple, type Template } from './tuples.ts';
export { properties, intervalsTile, noDoubleTake, takenNeverReappears, weakOpsConverge, blockedServed, answersMatch } from './properties.ts';
export { workload, NAMES } from './workload.ts';

/**
 * Three founders in one partition holding the whole key space. n4, n5 and n6 join it;
 * at six replicas it splits, the upper half of the key space going to a new partition
 * replicated by the three joiners. n7 then joins (the smaller group, n1's by the lowest
 * id among equals). Joiners start empty and get the partition's log from its sequencer
 * and its tuples by pull anti-entropy: with Ken's reliable links, that state transfer is
 * what exercises the anti-entropy path. Then n2 leaves (its group shrinks) and n5 leaves
 * (its group of three cannot shrink, so its partition merges back), each handing its
 * outs over (`LEAVES`).
 */
const NODES: readonly NodeSpec[] = [
  ...FOUNDERS.map((id) => ({ id })),
  { id: 'n4', joinAtMs: 500, contacts: ['n1'] },
  { id: 'n5', joinAtMs: 1_000, contacts: ['n2'] },
  { id: 'n6', joinAtMs: 1_500, contacts: ['n3'] },
  { id: 'n7', joinAtMs: 3_000, contacts: ['n1'] },
];

function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

export const tuplespace = defineProtocol<State, Req, Res>({
  name: 'tuplespace',
  description:
    'A tuplespace partitioned by the hash of the first field over replica groups: out, rd and rdp are weak (one replica, then push and pull ' +
    'anti-entropy on operation vectors); in and inp are strong (a replicated log per partition, each take committed by a majority of the group; ' +
    'a silent sequencer is replaced by majority vote); nodes join a running tuplespace as replicas, and leave it, handing their outs over; ' +
    'partition intervals of the key space are split onto joined nodes and merged back when a partition\'s nodes leave; state survives crashes with Ken.',
  // `founders` and `leaves` (options of a deployment's cluster config) replace the simulator's founders and its leaves.
  // The simulator's leaves (`LEAVES`) apply only to a simulation (which gives `initialNodes`): a deployment leaves only where its config says.
  create({ bug, founders, leaves, initialNodes, gossipMs }: CreateOptions) {
    if (bug !== undefined && !isBug(bug)) throw new Error(`tuplespace has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    if (founders !== undefined && !(Array.isArray(founders) && founders.length > 0 && founders.every((f) => typeof f === 'string'))) {
      throw new Error('option founders must be a non-empty array of node ids');
    }
    if (leaves !== undefined && !(leaves !== null && typeof leaves === 'object' && !Array.isArray(leaves) && Object.values(leaves).every((r) => Number.isInteger(r) && (r as number) > 0))) {
      throw new Error('option leaves must map node ids to the gossip round (a positive integer) at which each leaves');
    }
    if (gossipMs !== undefined && !(Number.isInteger(gossipMs) && (gossipMs as number) > 0 && (gossipMs as number) <= 60_000)) throw new Error(`option gossipMs must be an integer number of ms from 1 to 60,000, not ${JSON.stringify(gossipMs)}`);
    const given = leaves as Record<string, number> | undefined;
    return new Tuplespace({
      bug,
      founders: founders as string[] | undefined,
      leaves: given ?? (initialNodes === undefined ? {} : undefined),
      ...(gossipMs !== undefined ? { gossipMs: gossipMs as number } : {}),
    });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  ken: true,
  nodes: NODES,
  // A slower gossip round makes a failing run shorter in events (its leaves, counted in rounds, come later or not at all); the shrinker keeps it only if the correct version does not fail the same way under it.
  shrinkOptions: { gossipMs: { default: TIMING.gossipMs, simplest: 300, integer: true } },
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});

export default tuplespace;
