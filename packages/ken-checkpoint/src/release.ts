import type { NodeId } from '@faultline/runtime';
import type { HeldTurn } from './held-outputs.ts';
import type { OutChannel } from './ken-state.ts';
import type { KenObservation, KenOutput } from './outputs.ts';
import type { PeerLinks } from './peer-links.ts';
import type { KenStats } from './stats.ts';

/** What releasing held turns reads and updates on its node. */
export interface ReleaseContext {
  readonly self: NodeId;
  readonly links: PeerLinks;
  readonly stats: KenStats;
  readonly observe: ((e: KenObservation) => void) | undefined;
  readonly nowMs: number;
  /** A peer's outbox in the node's current state. */
  readonly channel: (peer: NodeId) => OutChannel | undefined;
}

/**
 * The outputs of `batch`, turns whose records just became durable, in record order: their
 * delivered cursors become acknowledgeable first, then data frames carrying the current
 * durable ack, replies and redirects; then ack frames to peers whose durable cursor no
 * data frame carried, and the retransmission timers the released messages need.
 */
export function releaseTurns(batch: readonly HeldTurn[], c: ReleaseContext): KenOutput[] {
  for (const t of batch) {
    for (const [peer, seq] of t.cursors) {
      const link = c.links.link(peer);
      if (seq > link.durableIn) link.durableIn = seq;
    }
  }
  const out: KenOutput[] = [];
  const sentTo = new Set<NodeId>();
  for (const t of batch) {
    for (const s of t.sends) {
      const link = c.links.link(s.to);
      out.push(c.links.dataFrame(s.to, link, s.seq, s.msg));
      link.release(s.seq, c.nowMs);
      sentTo.add(s.to);
      c.observe?.({ kind: 'release-send', node: c.self, to: s.to, seq: s.seq, msg: s.msg });
    }
    for (const a of t.answers) {
      out.push(a);
      if (a.kind === 'reply') {
        c.stats.repliesReleased++;
        c.observe?.({ kind: 'release-reply', node: c.self, requestId: a.requestId, result: a.result, cached: false });
      } else {
        c.stats.redirectsReleased++;
      }
    }
  }
  c.links.pendingAcks(out);
  for (const peer of sentTo) c.links.armIfNeeded(peer, c.channel(peer), out);
  return out;
}
