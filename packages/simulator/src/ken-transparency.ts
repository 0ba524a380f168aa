import type { KenObservation } from '@faultline/ken-checkpoint';
import type { NodeId } from '@faultline/runtime';

interface Delivery {
  readonly seq: number;
  readonly record: number;
}

/**
 * Checks, with Ken on, that what the nodes and the clients saw is something a crash-free
 * run could have produced. Fed with the Ken layer's observations and told of every crash:
 *
 * - a released message never changes: the same link and sequence number always carry
 *   the same content (a recovered node re-sends exactly what it had released);
 * - no orphans: a node's app handles only messages that their sender released (so they
 *   came from a durable turn), with the content released;
 * - no duplicates and no gaps: on each link, the deliveries that survive crashes are
 *   exactly 1, 2, 3, ... (a delivery by a turn lost in a crash is undone; the message
 *   must then be delivered again);
 * - a retried request answered from Ken's request cache gets the answer the node
 *   released the first time (a new answer means the request ran again, or the cache
 *   holds an answer that was never released); a protocol that itself runs a request
 *   twice (one forwarded by two nodes, say) may answer it twice, as it would without Ken;
 * - nothing lost: at the end, every released message has been handled by its receiver,
 *   or is still in its sender's outbox and has not yet had the time to arrive.
 */
export class TransparencyChecker {
  /** `from to` -> seq -> the released content, as JSON, and when it was first released. */
  private readonly released = new Map<string, Map<number, { readonly body: string; readonly atMs: number }>>();
  /** `from to` -> the surviving deliveries, in order. */
  private readonly delivered = new Map<string, Delivery[]>();
  /** `node requestId` -> the answer the node's app released, as JSON. */
  private readonly answers = new Map<string, string>();

  /** `now` reads simulated time. */
  constructor(private readonly now: () => number) {}

  /** The problem this observation shows, or undefined. */
  observe(e: KenObservation): string | undefined {
    switch (e.kind) {
      case 'release-send': {
        const link = `${e.node} ${e.to}`;
        let seqs = this.released.get(link);
        if (seqs === undefined) this.released.set(link, (seqs = new Map()));
        const body = JSON.stringify(e.msg);
        const before = seqs.get(e.seq);
        if (before === undefined) seqs.set(e.seq, { body, atMs: this.now() });
        else if (before.body !== body)
          return `${e.node} released message #${e.seq} to ${e.to} twice with different contents: ${before.body} then ${body}`;
        return undefined;
      }
      case 'app-deliver': {
        const link = `${e.from} ${e.node}`;
        const body = this.released.get(link)?.get(e.seq)?.body;
        if (body === undefined) return `${e.node} handled message #${e.seq} from ${e.from}, which ${e.from} never released (an orphan)`;
        const got = JSON.stringify(e.msg);
        if (got !== body) return `${e.node} handled message #${e.seq} from ${e.from} as ${got}, but ${e.from} released ${body}`;
        let list = this.delivered.get(link);
        if (list === undefined) this.delivered.set(link, (list = []));
        const expected = list.length + 1;
        if (e.seq !== expected) {
          return e.seq < expected
            ? `${e.node} handled message #${e.seq} from ${e.from} a second time`
            : `${e.node} handled message #${e.seq} from ${e.from} before #${expected}`;
        }
        list.push({ seq: e.seq, record: e.record });
        return undefined;
      }
      case 'release-reply': {
        const key = `${e.node} ${e.requestId}`;
        const body = JSON.stringify(e.result);
        if (!e.cached) {
          this.answers.set(key, body);
          return undefined;
        }
        const before = this.answers.get(key);
        if (before === undefined) return `${e.node} answered a retry of request ${e.requestId} from its cache with ${body}, an answer it never released`;
        if (before !== body) return `${e.node} answered a retry of request ${e.requestId} with ${body}, but its answer had been ${before}`;
        return undefined;
      }
    }
  }

  /** `node` crashed and its log survives up to record `survivingUpTo`: later deliveries are undone. */
  crashed(node: NodeId, survivingUpTo: number): void {
    for (const [link, list] of this.delivered) {
      if (!link.endsWith(` ${node}`)) continue;
      let keep = list.length;
      while (keep > 0 && list[keep - 1]!.record > survivingUpTo) keep--;
      list.length = keep;
    }
  }

  /**
   * At the end of a run: a released message that its receiver has not handled is lost if
   * its sender no longer holds it for retransmission (`stillUnacked`), or stuck if it was
   * released at a time from which it has had long enough to arrive (`overdue`).
   */
  lost(overdue: (releasedAtMs: number) => boolean, stillUnacked: (from: NodeId, to: NodeId, seq: number) => boolean): string | undefined {
    for (const [link, seqs] of [...this.released].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [from, to] = link.split(' ') as [NodeId, NodeId];
      for (let seq = (this.delivered.get(link)?.length ?? 0) + 1; seqs.has(seq); seq++) {
        const atMs = seqs.get(seq)!.atMs;
        if (!stillUnacked(from, to, seq))
          return `${to} never handled message #${seq} from ${from} (released at ${atMs} ms), yet ${from} no longer holds it to resend`;
        if (overdue(atMs)) return `${to} still has not handled message #${seq} from ${from}, released at ${atMs} ms`;
      }
    }
    return undefined;
  }
}
