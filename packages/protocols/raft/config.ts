import type { Pace as PaceOf } from '../shared/pace.ts';

/** The seeded bugs, each a small deviation from the correct protocol. */
export const BUGS = {
  'commit-old-term':
    'a leader advances its commit index over an entry of an earlier term as soon as a majority stores it (Figure 8 of the Raft paper), ' +
    'instead of only over entries of its own term; a node holding a conflicting entry of a later term can still be elected and overwrite it',
  'vote-without-log-check':
    "a node grants its vote to any candidate of a newer term without checking that the candidate's log is at least as up-to-date as its own, " +
    'so a candidate missing committed entries can win and overwrite them',
  'snapshot-off-by-one':
    'compaction cuts one entry too many from the log: the first entry after the snapshot is lost with the ones it replaces, ' +
    'so every later entry moves down one index',
} as const;

export type Bug = keyof typeof BUGS;

export interface Options {
  readonly bug?: Bug;
  /** Pace settings other than the defaults (`PACE`); see `Pace`. */
  readonly pace?: Partial<Pace>;
}

export function isBug(name: string): name is Bug {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

/** Timing, in local-clock milliseconds. */
export const TIMING = {
  /** A leader sends AppendEntries (with entries or empty) to every follower this often. */
  heartbeatMs: 50,
  /** A follower that hears no leader for a random time in [min, max) stands for election. */
  electionMsMin: 300,
  electionMsMax: 600,
} as const;

/**
 * Every queue and retry has a bound. Retransmission is paced by the heartbeat: a leader
 * sends each follower what it lacks once per heartbeat (or at once on an answer), and a
 * candidate asks for votes once per election timeout.
 */
export const LIMITS = {
  /** Entries per AppendEntries (a batch also never spans two terms: see `batchFrom`). */
  maxBatchEntries: 32,
  /**
   * A node replaces its applied entries by a snapshot once this many are in its log (at the
   * start of its next heartbeat or AppendEntries, never in the turn that applied them), so
   * the log holds at most about this many plus `maxUncommitted` entries (the default of
   * `PACE.snapshotEvery`, which a run may set).
   */
  snapshotEvery: 64,
  /** Entries past the commit index a leader accepts before it holds new requests back. */
  maxUncommitted: 64,
  /** Client requests a node holds (waiting to commit, or for a leader to be known). */
  maxPending: 64,
  /**
   * Messages to one peer not yet acknowledged by the reliable-delivery layer (Ken) before
   * the leader stops adding heartbeats for it: the peer is unreachable and what is queued
   * will be delivered anyway.
   */
  maxUnackedPerPeer: 16,
} as const;

/**
 * What a run may set (`Options.pace`; the definition's `create` takes them as options, and
 * the shrinker moves them toward small runs): the timings and how often a node compacts.
 * None changes what a node does, only how often: a leader's heartbeat period is any period
 * below the shortest election timeout, an election timeout any range, and compaction
 * correct after any number of applied entries.
 */
export type Pace = PaceOf<keyof typeof TIMING | 'snapshotEvery'>;

/** The pace of a run that sets none. */
export const PACE: Pace = { ...TIMING, snapshotEvery: LIMITS.snapshotEvery };
