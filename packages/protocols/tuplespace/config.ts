/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'in-without-global-order':
    'a replica serves in and inp itself, from its own copy, instead of sending them to its partition\'s sequencer; two replicas can then hand the same tuple to two takers',
} as const;

export type Bug = keyof typeof BUGS;

export interface Options {
  readonly bug?: Bug;
}

/** Replicas per partition: the cluster is cut, in order, into groups of this size. */
export const GROUP_SIZE = 3;

/** Timing, in local-clock milliseconds. */
export const TIMING = {
  /** One anti-entropy round: a pull from a random peer of the partition. */
  gossipMs: 100,
} as const;

/** Every queue and batch has a bound; retries are the anti-entropy rounds. */
export const LIMITS = {
  /** Blocked `in`s a sequencer holds; further ones are not taken on (the client retries). */
  maxBlocked: 64,
  /** Blocked `rd`s a replica holds. */
  maxWaitingReads: 64,
  /** Tuples, or log entries, per message; the rest follows in later rounds. */
  maxBatch: 128,
} as const;
