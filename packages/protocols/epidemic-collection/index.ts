import { defineProtocol } from '@faultline/runtime';
import { BUGS, TIMING, convergenceRounds, type Bug, type Consistency } from './config.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { EpidemicCollection } from './service.ts';
import type { State } from './state.ts';
import { numberedWorkload, workload } from './workload.ts';

export { EpidemicCollection } from './service.ts';
export { BUGS, TIMING, LIMITS, CONSISTENCY_LEVELS, convergenceRounds, type Bug, type Consistency, type Options } from './config.ts';
export { homeOf } from './sequential.ts';
export type { Req, Res, Msg, Tag, Entries, Timer } from './messages.ts';
export { elements, liveTags, type State } from './state.ts';
export {
  properties,
  standalone,
  noResurrection,
  removesStick,
  acknowledgedAddsSurvive,
  convergesWithinBound,
  noResurrectionOf,
  removesStickOf,
  acknowledgedAddsSurviveOf,
  convergesWithinBoundOf,
  type CollectionLens,
} from './properties.ts';
export { readsSeeReplicaAddsOf, readsSeeReplicaRemoves, readsSeeReplicaRemovesOf, standaloneReads, type CollectionOp, type ReadLens } from './reads.ts';
export { batchTag } from './requests.ts';
export {
  TempestCollection,
  type TempestCollectionOptions,
  type CollectionMsg,
  type CollectionTimer,
  type HostContext,
  type Settled,
  type Update,
} from './tempest-collection.ts';
export { workload, numberedWorkload, ELEMENTS } from './workload.ts';

const NODES = 3;
/** The default fault model's slowest message (the `delay` fault's cap). */
const LATENCY_MS_MAX = 400;
/** Clock drift (the `skew` fault's cap, 2%) makes a node's rounds up to this much longer. */
const DRIFT = 1.02;

/**
 * The quiet period is the convergence bound, so `converges-within-bound` (checked when it
 * ends) checks "equal within R rounds of the last input". The last input: at heal the
 * clients stop issuing requests, but one invoked just before may still be retried for
 * `(retries + 1) * timeoutMs` and reach its replica `LATENCY_MS_MAX` later. From then on
 * the replicas need R = 2(n-1) rounds (each as slow as drift makes it) plus one round for
 * the timer's phase and one exchange (three messages) in flight.
 */
export const CLIENT_TAIL_MS = (workload.retries + 1) * workload.timeoutMs + LATENCY_MS_MAX;
export const CONVERGENCE_MS = Math.ceil((convergenceRounds(NODES) + 1) * TIMING.gossipMs * DRIFT + 3 * LATENCY_MS_MAX);

function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

const common = {
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'crash', 'pause', 'skew'],
  nodes: NODES,
  minNodes: 2,
  workload,
  durationMs: 10_000,
  quietMs: CLIENT_TAIL_MS + CONVERGENCE_MS,
} as const;

function create(bug: string | undefined, consistency: Consistency): EpidemicCollection {
  if (bug !== undefined && !isBug(bug)) throw new Error(`epidemic-collection has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
  return new EpidemicCollection({ bug, consistency });
}

export const epidemicCollection = defineProtocol<State, Req, Res>({
  ...common,
  name: 'epidemic-collection',
  description:
    'A replicated collection (add, remove, get, size, iterate, addAll, clear) as an observed-remove set with tombstones, replicated by push-pull anti-entropy ' +
    'over a random permutation of peers per cycle; updates are acknowledged once on two replicas; restarted replicas start empty and are refilled.',
  create: ({ bug }) => create(bug, 'eventual'),
  properties,
});

/**
 * The same collection at level `sequential-per-item`: each element's operations are
 * served by its home replica, and the campaign checks that they are sequentially
 * consistent element by element (the declared level `sequential-per-key`).
 */
export const epidemicCollectionSequential = defineProtocol<State, Req, Res>({
  ...common,
  name: 'epidemic-collection-sc',
  description:
    "epidemic-collection at level sequential-per-item: each element's add, remove and get are served by the element's home replica " +
    '(others redirect), gets wait for the element\'s pending updates, a restarted replica serves once every peer has sent it its entries.',
  create: ({ bug }) => create(bug, 'sequential-per-item'),
  workload: numberedWorkload,
  properties,
  consistency: { model: 'collection', level: 'sequential-per-key' },
  // An update is answered once two replicas hold it; with volatile state, one holder
  // restarting empty and the other crashing before it refilled it loses an acknowledged
  // add (seed 332 of 2,000 under `--no-ken`). Under Ken a restart resumes its state.
  ken: true,
});

export default epidemicCollection;
