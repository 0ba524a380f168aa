/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'sequencer-skips-safe-check':
    'the sequencer declares every message stable as soon as it orders it, so members deliver safe messages before every member of the view has them',
  'sequencer-orders-on-arrival':
    'the sequencer orders a sender\'s submissions as they arrive instead of in the order sent, so a reordered network breaks fifo',
  'flush-drops-unordered':
    'the view-change coordinator\'s flush plan delivers the old view\'s ordered messages but drops the members\' messages that were never ordered, so their senders never deliver them',
  'no-flush':
    'a view change installs the new view without agreeing on the old view\'s messages: each member just drops what it had not yet delivered, so members that move together from one view to the next delivered different sets in it',
} as const;

export type Bug = keyof typeof BUGS;

export function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

export interface Options {
  readonly bug?: Bug;
}

/** Timing, in local-clock milliseconds. */
export const TIMING = {
  /** Period of the one timer: heartbeats, retransmissions, acks, membership checks. */
  tickMs: 50,
  /** Heartbeats go out every this often (a multiple of the tick). */
  heartbeatMs: 100,
  /** A node silent this long is no longer reachable. */
  suspectMs: 600,
  /** The membership must look wrong this long before the coordinator proposes a new view. */
  settleMs: 250,
  /** A proposal that has not installed its view by then is abandoned (and retried with a higher epoch). */
  proposalTimeoutMs: 800,
} as const;

/** Every buffer has a bound. */
export const LIMITS = {
  /** A node's own messages submitted to the sequencer and not yet delivered back to it; more requests wait in `queued`. */
  maxPending: 16,
  /** Client requests waiting while the node is blocked by a view change or its pending queue is full; more are refused. */
  maxQueued: 32,
  /** Ordered messages a sequencer lets run ahead of stability; further submissions wait (the senders retransmit). */
  maxInFlight: 64,
  /** Out-of-order submissions a sequencer keeps per sender. */
  maxHoldback: 16,
  /** Ordered messages per retransmission to one member per tick. */
  maxBatch: 16,
  /** Request ids remembered to drop duplicated client requests. */
  maxRecentRequests: 64,
  /**
   * Delivery-log entries a node keeps: beyond this, the prefix that is stable (closed views,
   * and this view's regular deliveries every member holds) is dropped (`logBase` counts them).
   */
  logKept: 512,
} as const;
