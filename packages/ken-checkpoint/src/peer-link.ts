import type { OutChannel, UnackedMessage } from './ken-state.ts';

export const RETRANSMIT_TIMER_PREFIX = 'ken:rt:';

export function retransmitTimerTag(peer: string): string {
  return RETRANSMIT_TIMER_PREFIX + peer;
}

/**
 * Volatile bookkeeping for one peer, lost in a crash and rebuilt by recovery: what this
 * node may acknowledge (only what is durable), what it has acknowledged, what it has
 * released, the retransmission backoff, and frames that arrived ahead of their turn.
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

  constructor(private readonly retransmitMsMin: number) {
    this.retransmitDelayMs = retransmitMsMin;
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
  timeout(ch: OutChannel | undefined, batchMax: number, retransmitMsMax: number): UnackedMessage[] {
    this.retransmitArmed = false;
    const resend: UnackedMessage[] = [];
    for (const u of ch?.unacked ?? []) {
      if (u.seq > this.released || resend.length >= batchMax) break;
      resend.push(u);
    }
    if (resend.length === 0) {
      this.retransmitDelayMs = this.retransmitMsMin;
      return resend;
    }
    this.retransmitDelayMs = Math.min(this.retransmitDelayMs * 2, retransmitMsMax);
    this.retransmitArmed = true;
    return resend;
  }

  /** An ack freed outbox entries: restart the clock at the minimum delay, or stop it. */
  ackProgress(ch: OutChannel | undefined): 'arm' | 'cancel' | 'none' {
    this.retransmitDelayMs = this.retransmitMsMin;
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
}
