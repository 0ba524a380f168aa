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
  /** Period of the one timer: gossip to every known replica, Join retries, the report of long-held requests. */
  gossipMs: 50,
  /** A request held this long is reported (once) in the log: the replica that had what it needs may have failed. */
  reportHeldMs: 2_000,
} as const;

/** Every queue has a bound. */
export const LIMITS = {
  /** Requests held until the replica has caught up with the client; more are dropped (the client retries elsewhere). */
  maxHeld: 32,
  /** Replicas a replica knows of and gossips with. */
  maxKnown: 16,
} as const;
