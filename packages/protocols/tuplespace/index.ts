import { defineProtocol } from '@faultline/runtime';
import { BUGS, GROUP_SIZE, type Bug } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { Tuplespace } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { Tuplespace } from './service.ts';
export { BUGS, TIMING, LIMITS, GROUP_SIZE, type Bug, type Options } from './config.ts';
export type { Req, Res, Msg, Take, TupleId, OutBatch, Timer } from './messages.ts';
export type { State, Waiting } from './state.ts';
export { matches, hash, partitionOf, groupsOf, type Field, type Tuple, type Template } from './tuples.ts';
export { properties, noDoubleTake, takenNeverReappears, weakOpsConverge, blockedServed, answersMatch } from './properties.ts';
export { workload, NAMES } from './workload.ts';

function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

export const tuplespace = defineProtocol<State, Req, Res>({
  name: 'tuplespace',
  description:
    'A tuplespace partitioned by the hash of the first field over groups of three replicas: out, rd and rdp are weak (one replica, then push and pull ' +
    'anti-entropy on operation vectors); in and inp are strong (ordered by the partition\'s sequencer in a replicated log); state survives crashes with Ken.',
  create({ bug }) {
    if (bug !== undefined && !isBug(bug)) throw new Error(`tuplespace has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new Tuplespace({ bug });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  ken: true,
  nodes: 2 * GROUP_SIZE,
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});

export default tuplespace;
