/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'answer-before-caught-up':
    "a replica answers a get at once, from whatever it has, without waiting until its timestamp dominates the client's: a client that moves to a replica that has not yet heard its writes (or what it read) sees the past",
} as const;

export type Bug = keyof typeof BUGS;

export interface Options {
  readonly bug?: Bug;
}

/** Timing, in local-clock milliseconds. */
export const TIMING = {
  /** Period of the one timer: gossip to one known replica (the next in turn), and the front ends' resends. */
  gossipMs: 50,
  /** A front end resends a request unanswered this long (a get to the next replica). */
  resendMs: 150,
  /** A request unanswered this long is reported (once) in the log: the replica that had what it needs may have failed. */
  reportHeldMs: 2_000,
} as const;

/** Every queue has a bound. */
export const LIMITS = {
  /** Requests held until the replica has caught up with the client; more are dropped (the front end resends). */
  maxHeld: 32,
  /** Replicas a replica knows of and gossips with. */
  maxKnown: 16,
} as const;
