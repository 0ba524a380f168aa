import type { Pace as PaceOf } from '../shared/pace.ts';

/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'answer-before-caught-up':
    "a replica answers a get or a read at once, from whatever it has, without waiting until its timestamp dominates the client's: a client that moves to a replica that has not yet heard its writes (or what it read) sees the past",
  'no-failover':
    'no failover: a held request waits for as long as the replica that had what it needs is down, and a client is always sent back to the front end that answered it last, up or not (the protocol before the assignment\'s failure rule)',
  'posts-by-back-end':
    "a list is sorted by the back end that accepted each post, then in the order it accepted them, not by vector timestamp: each back end's posts stay in order, but a post comes before one from another back end that it depends on",
} as const;

export type Bug = keyof typeof BUGS;

export interface Options {
  readonly bug?: Bug;
  /** Timings other than `TIMING` (a run's pace; see `Pace`). */
  readonly pace?: Partial<Pace>;
}

/**
 * Timing, in local-clock milliseconds. A run may set any of it (`Options.pace`; the
 * definition's `create` takes them as options, and the shrinker moves them toward small
 * runs): none changes what a node does, only how often and how soon. Causal order is kept
 * whatever the timings; a suspicion too quick for the network only serves a held request
 * sooner, naming what it lacks, as a real failure would.
 */
export const TIMING = {
  /** Period of the one timer: gossip to one known replica (the next in turn), and the front ends' resends. */
  gossipMs: 50,
  /** A front end resends a request unanswered this long (a get to the next replica). */
  resendMs: 150,
  /** A replica not heard from for this long is taken to have failed. */
  suspectMs: 500,
  /**
   * A request held this long, waiting only for what failed replicas had, is served without it
   * (the assignment's "unless the only back end server containing the data with such a
   * timestamp has failed"); a front end that cannot find the one that answered the client
   * last waits this long before it takes the client over.
   */
  failoverMs: 1_000,
} as const;

export type Pace = PaceOf<keyof typeof TIMING>;

/** Every queue has a bound. */
export const LIMITS = {
  /** Requests held until the replica has caught up with the client; more are dropped (the front end resends). */
  maxHeld: 32,
  /** Replicas a replica knows of and gossips with. */
  maxKnown: 16,
} as const;
