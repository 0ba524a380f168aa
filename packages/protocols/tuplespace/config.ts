/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'in-without-global-order':
    'a replica serves in and inp itself, from its own copy, instead of sending them to its partition\'s sequencer; two replicas can then hand the same tuple to two takers',
} as const;

export type Bug = keyof typeof BUGS;

export interface Options {
  readonly bug?: Bug;
  /** The nodes that make up the tuplespace at start (in order); any other node joins it at run time. */
  readonly founders?: readonly string[];
  /**
   * Replicas that leave the running tuplespace: node to the gossip round (counted from its
   * first start, across restarts) at which it asks to leave. Given with `founders` in a
   * deployment's cluster config; without `founders`, the simulator's `LEAVES` apply (the
   * protocol's `create` gives a deployment, which has no `initialNodes`, no leaves instead).
   */
  readonly leaves?: Readonly<Record<string, number>>;
  /**
   * The gossip timer's period in ms (default `TIMING.gossipMs`). Leaves and the check for a
   * silent sequencer count rounds, so a slower period makes them later in simulated time:
   * the shrinker tries a slower one (`shrinkOptions`), which makes runs with fewer events.
   */
  readonly gossipMs?: number;
}

/** Replicas per partition at start: the founders are cut, in order, into groups of this size. */
export const GROUP_SIZE = 3;

/** The simulator's founders: one partition of three, holding the whole key space. */
export const FOUNDERS = ['n1', 'n2', 'n3'] as const;

/**
 * The simulator's leaves: n2 (a founder) leaves after about 5.5 s, when n7 has joined its
 * group, so the group shrinks; n5 (of the partition split off onto n4, n5 and n6) after
 * about 7 s, so its partition, which cannot shrink, merges back into n1's.
 */
export const LEAVES: Readonly<Record<string, number>> = { n2: 55, n5: 60 };

/** Timing, in local-clock milliseconds. */
export const TIMING = {
  /**
   * The one timer's period: an anti-entropy pull, the sequencer's heartbeat and log
   * retransmission, a joiner's Join, and the check for a silent sequencer.
   */
  gossipMs: 100,
  /**
   * A replica that has not heard its sequencer for this many rounds (plus up to as many
   * again, drawn per round) starts a view change. Counted in rounds, not read from the
   * clock: a handler that reads no clock commutes with other nodes' steps in `check`.
   */
  suspectRounds: 5,
} as const;

/** Every queue and batch has a bound; retries are the timer's rounds. */
export const LIMITS = {
  /** Blocked `in`s a sequencer holds; further ones are not taken on (the client retries). */
  maxBlocked: 64,
  /** Blocked `rd`s a replica holds. */
  maxWaitingReads: 64,
  /** Tuples, or log entries, per message; the rest follows in later rounds. */
  maxBatch: 128,
  /** Members of one replica group: joiners beyond this are not admitted (they keep asking). */
  maxGroup: 7,
  /** How often a Join is passed on between members before it is dropped (the joiner asks again). */
  maxJoinHops: 3,
} as const;
