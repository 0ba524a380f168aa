import type { NodeId } from '@faultline/runtime';
import type { OutChannel } from './ken-state.ts';
import type { KenOptions } from './options.ts';
import type { KenOutput } from './outputs.ts';
import { PeerLink, RETRANSMIT_TIMER_PREFIX, retransmitTimerTag } from './peer-link.ts';
import type { KenStats } from './stats.ts';

/**
 * A node's links to its Ken peers (one volatile `PeerLink` each, made on first use) and
 * the frames and retransmission timers that go over them: data frames carry the current
 * durable ack; an ack frame goes where a durable cursor has no data frame to carry it.
 */
export class PeerLinks {
  private readonly links = new Map<NodeId, PeerLink>();

  constructor(
    private readonly self: NodeId,
    private readonly options: KenOptions,
    private readonly stats: KenStats,
  ) {}

  link(peer: NodeId): PeerLink {
    let link = this.links.get(peer);
    if (link === undefined) {
      link = new PeerLink(this.options.retransmitMsMin, this.options.retransmitMsMax, this.options.retransmitRtt);
      this.links.set(peer, link);
    }
    return link;
  }

  dataFrame(to: NodeId, link: PeerLink, seq: number, msg: unknown): KenOutput {
    link.ackSent = Math.max(link.ackSent, link.durableIn);
    this.stats.dataFramesSent++;
    return { kind: 'frame', to, frame: { ken: 'data', seq, ack: link.durableIn, msg } };
  }

  ackFrame(to: NodeId, link: PeerLink): KenOutput {
    link.ackSent = Math.max(link.ackSent, link.durableIn);
    this.stats.ackFramesSent++;
    return { kind: 'frame', to, frame: { ken: 'ack', ack: link.durableIn } };
  }

  /** Ack frames to every peer whose durable cursor is past the last ack sent to it. */
  pendingAcks(out: KenOutput[]): void {
    for (const [peer, link] of this.links) if (link.durableIn > link.ackSent) out.push(this.ackFrame(peer, link));
  }

  /** Messages to `peer` were released: its retransmission timer, if it must now be armed. */
  armIfNeeded(peer: NodeId, ch: OutChannel | undefined, out: KenOutput[]): void {
    const link = this.link(peer);
    if (link.needsArming(ch)) out.push({ kind: 'setTimer', tag: retransmitTimerTag(peer), delayMs: link.retransmitDelayMs });
  }

  /** One of Ken's own timers fired (`ken:` tags); `channel` gives a peer's outbox. */
  timer(tag: string, channel: (peer: NodeId) => OutChannel | undefined): KenOutput[] {
    if (!tag.startsWith(RETRANSMIT_TIMER_PREFIX)) return [{ kind: 'log', text: `ken: ${this.self} ignored unknown Ken timer '${tag}'` }];
    const peer = tag.slice(RETRANSMIT_TIMER_PREFIX.length);
    const link = this.links.get(peer);
    if (link === undefined || !link.retransmitArmed) return [];
    const resend = link.timeout(channel(peer), this.options.retransmitBatchMax);
    if (resend.length === 0) return [];
    const out = resend.map((u) => this.dataFrame(peer, link, u.seq, u.msg));
    this.stats.retransmissions += resend.length;
    out.push({ kind: 'setTimer', tag, delayMs: link.retransmitDelayMs });
    return out;
  }

  /** After an ack freed outbox entries: restart the retransmission clock, or stop it. */
  afterAck(peer: NodeId, ch: OutChannel | undefined, ack: number, nowMs: number): KenOutput[] {
    const link = this.link(peer);
    const tag = retransmitTimerTag(peer);
    switch (link.ackProgress(ch, ack, nowMs)) {
      case 'arm':
        return [{ kind: 'setTimer', tag, delayMs: link.retransmitDelayMs }];
      case 'cancel':
        return [{ kind: 'cancelTimer', tag }];
      case 'none':
        return [];
    }
  }
}
