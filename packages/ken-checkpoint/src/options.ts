import { KenUsageError } from './errors.ts';
import type { KenObservation } from './outputs.ts';

export interface KenOptions {
  /**
   * A turn's record is a full snapshot (and older records are compacted) once at least
   * this many turns, and four times as many bytes of turn records as the last snapshot
   * took, have been written since the last one.
   */
  snapshotEveryTurns: number;
  /**
   * The retransmission timeout for unacknowledged messages; with `retransmitRtt`, its floor
   * and the timeout until a peer's ack round trip is measured. It doubles on each retry.
   */
  retransmitMsMin: number;
  /**
   * The retransmission timeout follows each peer's measured ack round trip (see `PeerLink`)
   * instead of starting at `retransmitMsMin` every time. Off by default (the simulator's
   * runs keep their schedules); the real runtime's `kenHostLayer` turns it on, where the
   * round trip holds the peer's fdatasync.
   */
  retransmitRtt: boolean;
  /** The cap on the retransmission timeout and its backoff. */
  retransmitMsMax: number;
  /** At most this many messages per peer are resent on one retransmission timeout. */
  retransmitBatchMax: number;
  /** A send that would leave more unacknowledged messages to a peer throws `KenOutboxFullError`. */
  outboxMaxPerPeer: number;
  /** Client requests remembered (answer or 'pending'), oldest forgotten first. */
  requestCacheMax: number;
  /** Out-of-order frames buffered per peer (volatile); frames further ahead are dropped. */
  reorderBufferMax: number;
  /** Called for deliveries and releases, for transparency checkers. */
  observe?: (e: KenObservation) => void;
}

export const DEFAULT_KEN_OPTIONS: Readonly<KenOptions> = {
  snapshotEveryTurns: 64,
  retransmitMsMin: 50,
  retransmitMsMax: 2000,
  retransmitRtt: false,
  retransmitBatchMax: 64,
  outboxMaxPerPeer: 4096,
  requestCacheMax: 10_000,
  reorderBufferMax: 64,
};

const POSITIVE_INTEGERS = [
  'snapshotEveryTurns',
  'retransmitMsMin',
  'retransmitMsMax',
  'retransmitBatchMax',
  'outboxMaxPerPeer',
  'requestCacheMax',
  'reorderBufferMax',
] as const;

/** The defaults overlaid with `given`; throws `KenUsageError` on a value out of range. */
export function resolveKenOptions(given: Partial<KenOptions> = {}): KenOptions {
  const o: KenOptions = { ...DEFAULT_KEN_OPTIONS };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  for (const k of POSITIVE_INTEGERS) {
    const v = o[k];
    if (!Number.isInteger(v) || v < 1) throw new KenUsageError(`ken option ${k} must be an integer >= 1, got ${String(v)}`);
  }
  if (o.retransmitMsMax < o.retransmitMsMin) {
    throw new KenUsageError(`ken option retransmitMsMax (${o.retransmitMsMax}) is below retransmitMsMin (${o.retransmitMsMin})`);
  }
  if (typeof o.retransmitRtt !== 'boolean') throw new KenUsageError(`ken option retransmitRtt must be a boolean, got ${String(o.retransmitRtt)}`);
  if (o.observe !== undefined && typeof o.observe !== 'function') throw new KenUsageError('ken option observe must be a function');
  return o;
}
