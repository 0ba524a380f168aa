import { defineProtocol, type CreateOptions, type NodeSpec } from '@faultline/runtime';
import { paceOptions, shrinkablePace } from '../shared/pace.ts';
import { BUGS, TIMING, type Bug, type Pace } from './config.ts';
import { restartsSession, type Req, type Res } from './messages.ts';
import { properties } from './properties.ts';
import { LazyReplication } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { LazyReplication } from './service.ts';
export { BUGS, TIMING, LIMITS, type Bug, type Options, type Pace } from './config.ts';
export { restartsSession, later, isUpdate, subject, type Req, type Res, type Marks, type Msg, type Slot, type Session, type Timer } from './messages.ts';
export type { State, Held, FrontEnd, Pending } from './state.ts';
export { FOUNDERS, homeOf } from './home.ts';
export { dominates, join, weight, type VectorTime } from './vector-time.ts';
export { properties, readYourWrites, monotonicReads, convergesAfterHeal, frontEndsKeepWhatClientsSaw } from './properties.ts';
export { postsOrdered, checkPosts } from './posts-property.ts';
export { causalGets, checkCausalGets } from './causal-gets.ts';
export { firm, listed, mergePosts } from './posts.ts';
export { workload, KEYS, USERS } from './workload.ts';
export { answered, ANSWER_WITHIN_MS } from './liveness.ts';

/** Three replicas from the start, and a fourth that joins at 2 s through n2. */
const NODES: readonly NodeSpec[] = [{ id: 'n1' }, { id: 'n2' }, { id: 'n3' }, { id: 'n4', joinAtMs: 2_000, contacts: ['n2'] }];

function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

/**
 * The timings a scenario gives (any of `TIMING`), checked: resends and suspicions looked at
 * no more often than the tick that looks at them, so a resend period shorter than the
 * gossip period, or a suspicion shorter than it, is refused.
 */
function paceOf(options: CreateOptions): Partial<Pace> {
  const given = paceOptions(options, Object.keys(TIMING) as (keyof Pace)[]);
  const p = { ...TIMING, ...given };
  if (p.resendMs < p.gossipMs) throw new Error(`option resendMs (${p.resendMs}) must be at least gossipMs (${p.gossipMs})`);
  if (p.suspectMs <= p.gossipMs) throw new Error(`option suspectMs (${p.suspectMs}) must be more than gossipMs (${p.gossipMs})`);
  return given;
}

/**
 * A scenario may set the timings (`TIMING`), and a bug's failing run is shrunk toward
 * slower gossip and resends and a sooner failover (`shrinkOptions`): fewer periodic
 * events per second of the run. The shrinker keeps such a cut only if the correct
 * version, replaying the same run under it, does not fail the same way.
 */
export const lazyReplication = defineProtocol<State, Req, Res>({
  name: 'lazy-replication',
  description:
    'Ladin et al.\'s lazy replication of a key-value store: any replica answers at once, writes spread by gossip, ' +
    'vector timestamps make each client (through its front end) wait for a replica that has caught up with what it has seen (causal consistency)',
  create(options) {
    const { bug } = options;
    if (bug !== undefined && !isBug(bug)) throw new Error(`lazy-replication has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new LazyReplication({ bug, pace: paceOf(options) });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: NODES,
  shrinkOptions: shrinkablePace(TIMING, { gossipMs: 150, resendMs: 300, failoverMs: 500 }),
  workload,
  // A stale answer starts the client's session afresh (see service.ts), for the causal check too.
  consistency: { model: 'kv', level: 'causal', restartsSession },
  // Replicas keep their state across crashes (the paper's stable storage): a front end's
  // timestamp must survive, or a restarted home would forget what its clients have seen.
  ken: true,
  durationMs: 10_000,
  quietMs: 3_000,
});

export default lazyReplication;
