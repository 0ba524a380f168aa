import { defineProtocol, type NodeSpec } from '@faultline/runtime';
import { BUGS, type Bug } from './config.ts';
import { restartsSession, type Req, type Res } from './messages.ts';
import { properties } from './properties.ts';
import { LazyReplication } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

export { LazyReplication } from './service.ts';
export { BUGS, TIMING, LIMITS, type Bug, type Options } from './config.ts';
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

export const lazyReplication = defineProtocol<State, Req, Res>({
  name: 'lazy-replication',
  description:
    'Ladin et al.\'s lazy replication of a key-value store: any replica answers at once, writes spread by gossip, ' +
    'vector timestamps make each client (through its front end) wait for a replica that has caught up with what it has seen (causal consistency)',
  create({ bug }) {
    if (bug !== undefined && !isBug(bug)) throw new Error(`lazy-replication has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return new LazyReplication({ bug });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties,
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: NODES,
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
