import { defineProtocol } from '@faultline/runtime';
import { BUGS, isBug } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { GroupCommunication } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { GroupCommunication } from './service.ts';
export { BUGS, TIMING, LIMITS, type Bug, type Options } from './config.ts';
export type { Req, Res, Msg, AppMsg, Member, View, ViewId, ServiceLevel, Timer, GroupTable } from './messages.ts';
export type { State, Delivery } from './state.ts';
export {
  properties,
  agreedOrder,
  fifo,
  causalOrder,
  virtualSynchrony,
  safeDelivery,
  noDuplicates,
  viewAgreement,
  groupDelivery,
  groupMembership,
  groupOrder,
  oneViewAfterHeal,
  selfDelivery,
} from './properties.ts';
export { workload } from './workload.ts';

export const groupCommunication = defineProtocol<State, Req, Res>({
  name: 'group-communication',
  description:
    'Group communication with one sequencer per view: membership views of the nodes that hear each other, named groups that ' +
    'nodes join and leave, multicast to one or several groups delivered in one total order per view (reliable, fifo, causal, ' +
    'agreed and safe levels, ordered across groups), and virtual synchrony across view changes, through partitions, heals, ' +
    'crashes and restarts.',
  create({ bug }) {
    if (bug !== undefined && !isBug(bug)) throw new Error(`group-communication has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new GroupCommunication({ bug });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['partition', 'drop', 'duplicate', 'reorder', 'delay', 'crash', 'pause'],
  nodes: 4,
  minNodes: 2,
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});

export default groupCommunication;
