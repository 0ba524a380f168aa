/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'remove-without-tombstone':
    'a remove deletes the observed add tags instead of recording tombstones for them, so the next anti-entropy exchange with a replica that still has the adds brings the element back',
  'get-ignores-tombstones': 'a get answers whether the element was ever added here, ignoring its tombstones, so a removed element still reads as present',
} as const;

export type Bug = keyof typeof BUGS;

/**
 * - `eventual`: every replica takes every request; reads may be stale; replicas converge.
 * - `sequential-per-item`: each element's operations are served by its home replica
 *   (see `sequential.ts`), so they fit one order that keeps every client's own order.
 */
export const CONSISTENCY_LEVELS = ['eventual', 'sequential-per-item'] as const;
export type Consistency = (typeof CONSISTENCY_LEVELS)[number];

export interface Options {
  readonly bug?: Bug;
  /** Default `eventual`. */
  readonly consistency?: Consistency;
}

/** Timing, in local-clock milliseconds. */
export const TIMING = {
  /** One gossip round: a push-pull exchange with the next peer of the cycle, and a re-push of unacknowledged operations. */
  gossipMs: 100,
} as const;

/**
 * Every queue and message has a bound. Retries are paced by the gossip round: an
 * operation waiting for its second copy is pushed to every peer once per round until one
 * acknowledges it (or the node crashes, and the client retries elsewhere).
 */
export const LIMITS = {
  /** Client operations waiting for a second copy; further adds and removes are not taken (the client retries). */
  maxPending: 64,
  /** Add entries plus tombstones per Delta message; the rest follows in later rounds. Also the most entries of one addAll or clear, so one push carries all of it. */
  maxDeltaEntries: 256,
  /** `sequential-per-item`: gets a home holds back until the element has no update pending; more are not taken. */
  maxHeldReads: 64,
} as const;

/**
 * The convergence bound, in gossip rounds, for `nodes` replicas. Peers are chosen as a
 * random permutation per cycle (each cycle visits every peer once, in a random order drawn
 * with `ctx.randomInt`), so within one complete cycle a node has run a push-pull exchange
 * with every peer. A cycle may be under way when the last input arrives, so it takes at
 * most one partial cycle plus one whole one: `2 (n - 1)` rounds.
 */
export function convergenceRounds(nodes: number): number {
  return 2 * (nodes - 1);
}
