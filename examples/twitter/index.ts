/**
 * twitter: the course assignment's service on faultline. Front ends take posts, follows
 * and timeline requests from clients; replicated back ends keep the data.
 *
 * Composition. The service is a `stack` (the runtime's composition API, docs/composition.md):
 * the front end (`FrontEnd`, an `Upper` layer) on every node not in the `backEnds` option,
 * over primary-backup's `PrimaryBackup`, unchanged, on the back ends. The stack gives each
 * its own state slice (`upper`, `lower`), messages, timers and cluster, and carries the
 * front end's `call`s to the back end and the back end's `reply`/`redirect` back to the
 * front end's `onAnswer`. A front end is the back end's client: one request in flight,
 * with its own request ids and numbers, resent on a timer to the next back end and
 * following redirects, all bounded.
 *
 * Why primary-backup. Its gets are ordered with its puts and answered only once every
 * member has the op (linearizable reads and writes), so a timeline read through any front
 * end sees every post acknowledged before it: read-your-writes holds across front ends,
 * not only within one client's session. Lazy replication would answer sooner and survive
 * partitions, but gives read-your-writes only through the client's own session; a user
 * whose requests go to different front ends would need the front ends to share it.
 *
 * Why one log per front-end generation. Primary-backup offers put and get, no
 * compare-and-set, and registers cannot make concurrent appends to one list safe: two
 * front ends appending to a user's post list at once would lose one. So every key has a
 * single writer: a front end, each time it starts (a generation: state is volatile),
 * claims the next free `gen/<fe>#<k>` and then keeps everything that generation is asked
 * to do (posts and follows) in one log under `log/<fe>#<k>`, rewritten whole on every
 * change. A late copy of an older write of that log is dropped by primary-backup's
 * per-client request numbers; a write from an earlier generation, arriving late, goes to
 * that generation's own key. Generations are numbered without gaps, and a `gen` key once
 * written is never empty again, so a reader finds them all by reading up to the first
 * empty one. A timeline is the union of every generation's log: the user's posts and
 * those of everyone the user follows (log.ts).
 *
 * Joining. Front ends can be added at any time knowing one front end: one not in the
 * `frontEnds` option (the founders) asks the front ends it knows to admit it and serves
 * nothing until one has. The one that admits it adds it to its generation's log (`members`)
 * and writes the log before answering `welcome` (with the front and back ends it knows),
 * so a timeline asked after the newcomer acknowledged anything finds it: a timeline reads
 * the founders' logs, then those of every member they name, until no new front end turns
 * up. On the real runtime a node joins the running cluster with `faultline run --join`
 * (docs/deploy.md). A new back end joins primary-backup as its late joiners do (knowing one
 * back end; named in the `lateBackEnds` option so it runs the back end's layer); a front
 * end adds a back end it is redirected to. The simulator's f3 is a front end outside the
 * initial list (it knows only f1); test/twitter.test.ts adds b6, a back end that joins at
 * 3 s knowing only b1.
 *
 * Properties: `read-your-posts` (a timeline shows every post of its user acknowledged
 * before it was asked for, whichever front end took it), `no-invented-posts` (only posts
 * some client asked for, by the user or someone the user asked to follow),
 * `follower-timelines-converge` (after healing, the back ends derive the same timelines,
 * each with every acknowledged post of the user and of those it follows), and
 * primary-backup's own `one-primary-per-view` and `converges-after-heal`, on the back ends.
 *
 * Bug `front-end-cache`: a front end looks for another front end's generations only
 * until it has found one, and reads each generation's log only once; timelines then miss
 * what other front ends took later. `serve-before-admitted`: a front end outside the
 * founders serves at once, as every front end did before joins existed; nobody looks for
 * its posts. `back-end:<name>` runs primary-backup's bug of that name on the back ends.
 *
 * Weak points: every write rewrites a generation's whole log (O(log) bytes), and a
 * timeline reads every generation's log, one back-end call at a time; a front end takes
 * client requests one at a time; the back end is primary-backup's volatile one, so
 * partitions are outside the fault model (as in primary-backup).
 */
import { defineProtocol, type NodeSpec } from '@faultline/runtime';
import { BUGS as PB_BUGS } from '../../packages/protocols/primary-backup/index.ts';
import type { Req, Res } from './messages.ts';
import { properties } from './properties.ts';
import { BACK_END_BUG, twitterService } from './service.ts';
import type { State } from './state.ts';
import { workload } from './workload.ts';

/** The founding front ends. */
export const FRONT_ENDS = ['f1', 'f2'] as const;
/**
 * A front end not in the initial list: it knows only f1 and asks it to be admitted (and
 * again after every restart). It starts with the others (`joinAtMs: 0`) so that clients
 * are sent to it (the simulator's clients start at nodes that start at 0).
 */
export const LATE_FRONT_END: NodeSpec = { id: 'f3', joinAtMs: 0, contacts: ['f1'] };
/**
 * A back end that joins at 3 s knowing only b1, as primary-backup's late joiners do: not in
 * the default layout (test/twitter.test.ts runs it), which keeps the figures of the README.
 */
export const LATE_BACK_END: NodeSpec = { id: 'b6', joinAtMs: 3_000, contacts: ['b1'] };
/**
 * Five back ends, for the reason primary-backup gives for its five founders: its state is
 * volatile, so with three a crash while another node is still being readmitted leaves one
 * voter of three and the back end stuck.
 */
export const BACK_ENDS = ['b1', 'b2', 'b3', 'b4', 'b5'] as const;
const NODES: readonly NodeSpec[] = [...FRONT_ENDS.map((id) => ({ id })), LATE_FRONT_END, ...BACK_ENDS.map((id) => ({ id }))];

/**
 * The front end's bugs, and one of primary-backup's run on the back ends. Its other two are
 * left out because this workload does not catch them (0 of 100 seeds for
 * `reply-before-replicate`, 0 of 400 for `stale-primary-reads`; 0 of 30 each under Ken,
 * with partitions too). For the first, plausibly because a front end rewrites its whole
 * log on every change, so a write the back end lost comes back with the next one; the
 * second was not traced.
 */
const BACK_END_BUGS = ['no-state-transfer'] as const;
const BUGS: Record<string, string> = {
  'front-end-cache': "a front end answers timelines from the other front ends' logs as it first read them, never reading them again",
  'serve-before-admitted': 'a front end that is not a founder serves at once, without being admitted: no other front end finds its posts',
  ...Object.fromEntries(BACK_END_BUGS.map((name) => [`${BACK_END_BUG}${name}`, `primary-backup's bug on the back ends: ${PB_BUGS[name]}`])),
};

export const twitter = defineProtocol<State, Req, Res>({
  name: 'twitter',
  description: 'front ends that post, follow and fetch timelines, over back ends replicated by primary-backup',
  // `backEnds` and `frontEnds` (options of a deployment's cluster config) replace the
  // simulator's five back ends and two founding front ends.
  create({ bug, backEnds, frontEnds, lateBackEnds }: { bug?: string; backEnds?: unknown; frontEnds?: unknown; lateBackEnds?: unknown }) {
    if (bug !== undefined && !(bug in BUGS)) throw new Error(`twitter has no bug variant '${bug}' (known: ${Object.keys(BUGS).join(', ')})`);
    return twitterService({
      bug,
      backEnds: nodeList('backEnds', backEnds) ?? BACK_ENDS,
      frontEnds: nodeList('frontEnds', frontEnds) ?? FRONT_ENDS,
      lateBackEnds: nodeList('lateBackEnds', lateBackEnds),
    });
  },
  bugs: Object.entries(BUGS).map(([name, description]) => ({ name, description })),
  properties: properties(BACK_ENDS),
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'crash', 'pause', 'skew'],
  nodes: NODES,
  maxFaultyNodes: 1,
  workload: workload([...FRONT_ENDS, LATE_FRONT_END.id]),
  durationMs: 10_000,
  quietMs: 5_000,
});

export default twitter;

function nodeList(option: string, v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.length > 0 && v.every((b) => typeof b === 'string')) return v as string[];
  throw new Error(`option ${option} must be a non-empty array of node ids`);
}
