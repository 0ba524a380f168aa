import type { Pace as PaceOf } from '../shared/pace.ts';

/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'sequencer-skips-safe-check':
    'the sequencer declares every message stable as soon as it orders it, so members deliver safe messages before every member of the view has them',
  'sequencer-orders-on-arrival':
    'the sequencer orders a sender\'s submissions as they arrive instead of in the order sent, so a reordered network breaks fifo',
  'flush-drops-unordered':
    'the flush delivers the old view\'s ordered messages but drops the ones members had sent and the sequencer had not yet ordered, the same at every member: views agree, but those senders never deliver their own messages',
  'causal-on-receipt':
    'members deliver a causal message as soon as it arrives, ahead of earlier positions of the order still missing, as if causal order needed no more than the sender\'s order',
  'leave-applied-locally':
    'a node takes itself out of a group as soon as a client asks it to leave, before the leave is ordered, so it misses messages to the group that the others order before the leave',
  'install-keeps-coordinator-groups':
    'a view change carries over only the group memberships of the members coming from the coordinator\'s old view, so nodes merging in from another view silently lose their groups',
  'no-flush':
    'a view change installs the new view without agreeing on the old view\'s messages: each member just drops what it had not yet delivered, so members that move together from one view to the next delivered different sets in it',
} as const;

export type Bug = keyof typeof BUGS;

export function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

export interface Options {
  readonly bug?: Bug;
  /** Timings other than `TIMING` (a run's pace; see `Pace`). */
  readonly pace?: Partial<Pace>;
}

/**
 * Timing, in local-clock milliseconds. A run may set any of it (`Options.pace`; the
 * definition's `create` takes them as options, and the shrinker moves them toward small
 * runs): none changes what a node does, only how often and how soon. Views are agreed
 * whatever the timings; a suspicion too quick for the network only makes views change
 * more often.
 */
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

export type Pace = PaceOf<keyof typeof TIMING>;

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
  /** A member acknowledges every this many positions (and every tick, and at once for a safe message). */
  ackEvery: 8,
  /** Ordered messages per retransmission to one member per tick. */
  maxBatch: 16,
  /** Groups one multicast may be addressed to. */
  maxGroupsPerMsg: 8,
  /** Characters in a group name. */
  maxGroupName: 64,
  /** Request ids remembered to drop duplicated client requests. */
  maxRecentRequests: 64,
  /**
   * The delivery stream kept in a node's state: once it is this long, its older half is
   * dropped (`logBase` counts what was dropped), so a node runs forever in bounded memory.
   * One turn appends far fewer entries than half of it (a flush delivers at most the
   * bounded buffers above), so the simulator's checker, which reads the stream after
   * every event, has always read what is dropped.
   */
  logWindow: 2_048,
} as const;
