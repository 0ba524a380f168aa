import { defineProtocol, type CreateOptions } from '@faultline/runtime';
import { paceOptions, shrinkablePace } from '../shared/pace.ts';
import { BUGS, PACE, isBug, type Pace } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { Raft } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { Raft } from './service.ts';
export { BUGS, TIMING, LIMITS, PACE, type Bug, type Options, type Pace } from './config.ts';
export type { Req, Res, Msg, Entry, Command, Timer } from './messages.ts';
export type { State, Role, Session, PendingRequest } from './state.ts';
export * from './properties.ts';
export { workload } from './workload.ts';

const PACE_NAMES = Object.keys(PACE) as (keyof Pace)[];

/**
 * The pace a scenario gives (`heartbeatMs`, `electionMsMin`, `electionMsMax`,
 * `snapshotEvery`), checked: at least three heartbeats in the shortest election timeout
 * (Raft's timing requirement, broadcast time well under the election timeout: a follower
 * hears two more before it may time out, so one lost or late heartbeat does not depose a
 * live leader; with 100 ms heartbeats and 150 ms timeouts elections went on all through
 * the quiet time, and seed 52 ended with no leader its followers had caught up with), and
 * a range that is not empty.
 */
function paceOf(options: CreateOptions): Partial<Pace> {
  const given = paceOptions(options, PACE_NAMES);
  const p = { ...PACE, ...given };
  if (3 * p.heartbeatMs > p.electionMsMin)
    throw new Error(`option heartbeatMs (${p.heartbeatMs}) must be at most a third of electionMsMin (${p.electionMsMin}): three heartbeats in the shortest election timeout`);
  if (p.electionMsMin > p.electionMsMax) throw new Error(`option electionMsMin (${p.electionMsMin}) must be at most electionMsMax (${p.electionMsMax})`);
  return given;
}

/**
 * A scenario may set the pace (`Pace`), and a bug's failing run is shrunk toward a
 * slower heartbeat, shorter election timeouts and compaction after every 2 entries
 * (`shrinkOptions`): fewer heartbeats per election, elections sooner, a snapshot after a
 * few requests instead of 64. The shrinker keeps such a cut only if the correct version,
 * replaying the same run under it, does not fail the same way.
 */
export const raft = defineProtocol<State, Req, Res>({
  name: 'raft',
  description:
    'Raft: leader election with randomized timeouts, log replication with the log-matching check, the commit rule of the current term, ' +
    'and a linearizable key-value store with client sessions on top; term, vote and log survive crashes through Ken.',
  create(options) {
    const { bug } = options;
    if (bug !== undefined && !isBug(bug)) throw new Error(`raft has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new Raft({ bug, pace: paceOf(options) });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  consistency: { model: 'kv', level: 'linearizable' },
  ken: true,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: 5,
  minNodes: 3,
  shrinkOptions: shrinkablePace(PACE, { snapshotEvery: 2, electionMsMax: 300, electionMsMin: 225, heartbeatMs: 75 }),
  workload,
  durationMs: 10_000,
  quietMs: 5_000,
});

export default raft;
