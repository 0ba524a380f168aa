import { defineProtocol, type CreateOptions } from '@faultline/runtime';
import { paceOptions, shrinkablePace } from '../shared/pace.ts';
import { BUGS, TIMING, isBug, type Pace } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { GroupCommunication } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { GroupCommunication } from './service.ts';
export { BUGS, TIMING, LIMITS, type Bug, type Options, type Pace } from './config.ts';
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

/**
 * The timings a scenario gives (any of `TIMING`), checked: heartbeats more often than a
 * peer is suspected, so a reachable peer stays reachable, and a proposal that lives longer
 * than a tick, so it is sent at least once more before it is abandoned.
 */
function paceOf(options: CreateOptions): Partial<Pace> {
  const given = paceOptions(options, Object.keys(TIMING) as (keyof Pace)[]);
  const p = { ...TIMING, ...given };
  if (p.heartbeatMs >= p.suspectMs) throw new Error(`option heartbeatMs (${p.heartbeatMs}) must be less than suspectMs (${p.suspectMs})`);
  if (p.tickMs >= p.proposalTimeoutMs) throw new Error(`option tickMs (${p.tickMs}) must be less than proposalTimeoutMs (${p.proposalTimeoutMs})`);
  return given;
}

/**
 * A scenario may set the timings (`TIMING`), and a bug's failing run is shrunk toward
 * views that settle and change sooner and ticks and heartbeats that come less often
 * (`shrinkOptions`), so fewer periodic events pass before the views the bug needs. The
 * shrinker keeps such a cut only if the correct version, replaying the same run under it,
 * does not fail the same way.
 */
export const groupCommunication = defineProtocol<State, Req, Res>({
  name: 'group-communication',
  description:
    'Group communication with one sequencer per view: membership views of the nodes that hear each other, named groups that ' +
    'nodes join and leave, multicast to one or several groups delivered in one total order per view (reliable, fifo, causal, ' +
    'agreed and safe levels, ordered across groups), and virtual synchrony across view changes, through partitions, heals, ' +
    'crashes and restarts.',
  create(options) {
    const { bug } = options;
    if (bug !== undefined && !isBug(bug)) throw new Error(`group-communication has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new GroupCommunication({ bug, pace: paceOf(options) });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['partition', 'drop', 'duplicate', 'reorder', 'delay', 'crash', 'pause'],
  nodes: 4,
  minNodes: 2,
  shrinkOptions: shrinkablePace(TIMING, { settleMs: 100, proposalTimeoutMs: 400, suspectMs: 400, heartbeatMs: 150, tickMs: 100 }),
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});

export default groupCommunication;
