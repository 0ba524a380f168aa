import type { OutChannel, UnackedMessage } from './ken-state.ts';

export const RETRANSMIT_TIMER_PREFIX = 'ken:rt:';

export function retransmitTimerTag(peer: string): string {
  return RETRANSMIT_TIMER_PREFIX + peer;
}

/**
 * Volatile bookkeeping for one peer, lost in a crash and rebuilt by recovery: what this
 * node may acknowledge (only what is durable), what it has acknowledged, what it has
 * released, the retransmission timeout and its backoff, and frames that arrived ahead of
 * their turn.
 *
 * With `rtt` on, the retransmission timeout follows the measured ack round trip (RFC 6298's
 * estimator): a sample is the time from releasing a message to the ack that covers it, taken
 * only for messages sent once (Karn's rule: the ack of a resent message may answer either
 * copy). The timeout is `srtt + 4 * rttvar`, within `[retransmitMsMin, retransmitMsMax]`,
 * and `retransmitMsMin` until the first sample (and always, with `rtt` off). Under Ken the
 * round trip holds the peer's commit wait (an ack carries only durable cursors), so a fixed
 * short timeout resends, under load, frames that were never lost.
 */
export class PeerLink {
  /** The delivered cursor as of the last durable record: what acks may carry. */
  durableIn = 0;
  /** The highest ack sent to the peer. */
  ackSent = 0;
  /** The highest sequence number released to the network. */
  released = 0;
  /** The delay the retransmission timer is (or will next be) armed with. */
  retransmitDelayMs: number;
  retransmitArmed = false;
  /** Frames ahead of the next expected one: seq -> message. */
  readonly ahead = new Map<number, unknown>();
  /** Release times of messages sent once and not yet acknowledged, in seq order: seq -> ms. */
  private readonly releasedAt = new Map<number, number>();
  /** Smoothed ack round trip and its mean deviation (undefined before the first sample). */
  private srttMs: number | undefined;
  private rttVarMs = 0;

  constructor(
    private readonly retransmitMsMin: number,
    private readonly retransmitMsMax: number,
    private readonly rtt: boolean,
  ) {
    this.retransmitDelayMs = retransmitMsMin;
  }

  /** The retransmission timeout the estimator gives now (the delay before any backoff). */
  get timeoutMs(): number {
    if (this.srttMs === undefined) return this.retransmitMsMin;
    return Math.min(this.retransmitMsMax, Math.max(this.retransmitMsMin, Math.ceil(this.srttMs + 4 * this.rttVarMs)));
  }

  /** Message `seq` goes out to the network at `nowMs` (a first release, or again after a recovery). */
  release(seq: number, nowMs: number): void {
    if (seq <= this.released) return;
    this.released = seq;
    if (this.rtt) this.releasedAt.set(seq, nowMs);
  }

  /** Unacknowledged messages already released (only those may be resent). */
  releasedUnacked(ch: OutChannel | undefined): number {
    const first = ch?.unacked[0]?.seq;
    if (ch === undefined || first === undefined) return 0;
    return Math.max(0, Math.min(this.released, ch.next - 1) - first + 1);
  }

  /**
   * The retransmission timer fired: the oldest released, unacknowledged messages to
   * resend (at most `batchMax`). When there are some, the timer is to be re-armed with
   * the doubled delay (capped); when there are none, it stops.
   */
  timeout(ch: OutChannel | undefined, batchMax: number): UnackedMessage[] {
    this.retransmitArmed = false;
    const resend: UnackedMessage[] = [];
    for (const u of ch?.unacked ?? []) {
      if (u.seq > this.released || resend.length >= batchMax) break;
      resend.push(u);
      this.releasedAt.delete(u.seq);
    }
    if (resend.length === 0) {
      this.retransmitDelayMs = this.timeoutMs;
      return resend;
    }
    this.retransmitDelayMs = Math.min(this.retransmitDelayMs * 2, this.retransmitMsMax);
    this.retransmitArmed = true;
    return resend;
  }

  /**
   * An ack up to `ack` arrived at `nowMs` and freed outbox entries: take its round trip
   * as a sample (if message `ack` was sent once), then restart the clock at the timeout,
   * or stop it.
   */
  ackProgress(ch: OutChannel | undefined, ack: number, nowMs: number): 'arm' | 'cancel' | 'none' {
    const sentAt = this.releasedAt.get(ack);
    if (sentAt !== undefined) this.sample(nowMs - sentAt);
    for (const seq of this.releasedAt.keys()) {
      if (seq > ack) break;
      this.releasedAt.delete(seq);
    }
    this.retransmitDelayMs = this.timeoutMs;
    if (this.releasedUnacked(ch) > 0) {
      this.retransmitArmed = true;
      return 'arm';
    }
    if (!this.retransmitArmed) return 'none';
    this.retransmitArmed = false;
    return 'cancel';
  }

  /** Messages were released: whether the retransmission timer must now be armed. */
  needsArming(ch: OutChannel | undefined): boolean {
    if (this.retransmitArmed || this.releasedUnacked(ch) === 0) return false;
    this.retransmitArmed = true;
    return true;
  }

  private sample(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (this.srttMs === undefined) {
      this.srttMs = r;
      this.rttVarMs = r / 2;
      return;
    }
    this.rttVarMs = 0.75 * this.rttVarMs + 0.25 * Math.abs(this.srttMs - r);
    this.srttMs = 0.875 * this.srttMs + 0.125 * r;
  }
}
