import type { NodeId } from '@faultline/runtime';

/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'reply-before-replicate':
    'the primary acknowledges a put as soon as it has applied it, before the secondaries have it; a primary crash then loses an acknowledged write',
  'stale-primary-reads':
    'a node that believes it is primary answers gets from its local store at once, without confirming through its view that it still is primary (and without waiting for the writes it has not yet replicated)',
  'no-state-transfer':
    'a node being admitted (a late joiner or a restarted replica) gets the membership and the op count but not the data, so it believes it is in sync while its store is empty',
} as const;

export type Bug = keyof typeof BUGS;

export interface Options {
  readonly bug?: Bug;
  /**
   * The founding replicas, whose majority must accept every view change. Defaults to the
   * node's `ctx.cluster` at start, which is right for founders but not for a late joiner
   * (its cluster is only itself and its contact): pass it when nodes may join late.
   */
  readonly founders?: readonly NodeId[];
  /** The period of the one timer (default `TIMING.tickMs`). */
  readonly tickMs?: number;
  /** The silence after which a node suspects another (default `TIMING.suspectMs`; more than `tickMs`). */
  readonly suspectMs?: number;
  /**
   * The quick start (default off). A founder other than the first sends the Join of each
   * start to the first founder only (the Joins of its later ticks go to every node it
   * knows, as always), and the first founder forms the first view as soon as the last
   * answer it needs is in rather than at its next tick. The first view then forms one
   * round trip after the founders start, from 4(n - 1) Joins and answers instead of
   * 2n(n - 1). Both are only pace: the Joins left out are as if lost, which the protocol
   * tolerates (a restarted founder that the first founder cannot help is admitted through
   * its next tick's Joins), and the bootstrap checks the same condition, only sooner.
   */
  readonly quickStart?: boolean;
}

/** The timings a run may set (`Options`): the rest of `TIMING` stays as it is. */
export type Timing = { readonly [K in keyof typeof TIMING]: number };

/** Timing, in local-clock milliseconds. */
export const TIMING = {
  /** Period of the one timer: heartbeats, retransmission, join retries, suspicion checks. */
  tickMs: 100,
  /** Silence after which a member suspects the primary (or the primary a member). */
  suspectMs: 700,
  /** Extra wait per rank, so the next node in line proposes first and the rest only if it fails. */
  staggerMs: 300,
  /** Random extra wait on every election deadline, so two proposers rarely collide twice. */
  jitterMs: 200,
  /** Once a majority has promised, how long the proposer waits for the stragglers. */
  formGraceMs: 100,
  /** A proposal that has not formed a view by then is abandoned and retried later. */
  proposalTimeoutMs: 600,
} as const;

/**
 * Every queue and retry has a bound. Queues are capped below; retries are paced by the
 * tick: a primary resends what each member lacks once per tick (and removes a member
 * silent for `suspectMs`), a proposer resends Prepare once per tick until
 * `proposalTimeoutMs`, and a node outside any view sends one Join per known node per tick.
 */
export const LIMITS = {
  /** Ops the primary holds for members that have not acknowledged them; more requests are dropped. */
  maxLogOps: 64,
  /** Client requests waiting for their op to commit; more are dropped (the client retries). */
  maxWaiting: 64,
  /** Ops per Replicate message. */
  maxBatchOps: 32,
  /** Nodes a replica keeps track of (founders, joiners, contacts). */
  maxKnownNodes: 16,
  /** Join requests waiting for the next view change. */
  maxPendingJoins: 8,
  /**
   * Voters (founders plus joiners made voters). A crashed voter still counts in every
   * majority, so past this joiners stay replicas without a vote.
   */
  maxVoters: 9,
} as const;
