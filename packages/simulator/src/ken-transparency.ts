import type { KenObservation } from '@faultline/ken-checkpoint';
import type { NodeId, RequestId } from '@faultline/runtime';

interface Released {
  readonly body: string;
  readonly atMs: number;
}

interface Delivery {
  readonly seq: number;
  readonly record: number;
}

/** Per node: the requests its app ran, and which of them it answered. */
interface RequestLedger {
  /** Request id -> the record of the turn that ran it (still surviving crashes). */
  readonly ran: Map<RequestId, number>;
  /** Request id -> the reply the node released for it (non-cached), as JSON. */
  readonly answered: Map<RequestId, string>;
  /** Request id -> how many distinct ids the node had seen when it first saw this one. */
  readonly firstSeen: Map<RequestId, number>;
}

/** `outer.get(a)` of a map of maps, created empty when missing. */
function inner<K, V>(outer: Map<NodeId, Map<K, V>>, key: NodeId): Map<K, V> {
  let m = outer.get(key);
  if (m === undefined) outer.set(key, (m = new Map()));
  return m;
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
 * - a request is not run twice by a node that has released its answer (while the id is
 *   still within the request cache's reach), and a retry answered from the cache gets the
 *   answer the node released, if it released one; a protocol that itself answers a request twice (one
 *   forwarded by two nodes, say) may, as it would without Ken;
 * - nothing lost: at the end, every released message has been handled by its receiver,
 *   or is still held by its sender and has not yet had the time to arrive, or its
 *   receiver is down.
 *
 * Bodies are compared as JSON, so the contents of Maps and Sets in messages are not.
 */
export class TransparencyChecker {
  /** from -> to -> seq -> what was released. */
  private readonly released = new Map<NodeId, Map<NodeId, Map<number, Released>>>();
  /** to -> from -> the surviving deliveries, in order. */
  private readonly delivered = new Map<NodeId, Map<NodeId, Delivery[]>>();
  private readonly requests = new Map<NodeId, RequestLedger>();

  /** `now` reads simulated time; `requestCacheMax` is how many ids a node's cache remembers. */
  constructor(
    private readonly now: () => number,
    private readonly requestCacheMax: number,
  ) {}

  /** The problem this observation shows, or undefined. */
  observe(e: KenObservation): string | undefined {
    switch (e.kind) {
      case 'release-send': {
        const seqs = inner(inner(this.released, e.node), e.to);
        const body = JSON.stringify(e.msg);
        const before = seqs.get(e.seq);
        if (before === undefined) seqs.set(e.seq, { body, atMs: this.now() });
        else if (before.body !== body)
          return `${e.node} released message #${e.seq} to ${e.to} twice with different contents: ${before.body} then ${body}`;
        return undefined;
      }
      case 'app-deliver': {
        const body = this.released.get(e.from)?.get(e.node)?.get(e.seq)?.body;
        if (body === undefined) return `${e.node} handled message #${e.seq} from ${e.from}, which ${e.from} never released (an orphan)`;
        const got = JSON.stringify(e.msg);
        if (got !== body) return `${e.node} handled message #${e.seq} from ${e.from} as ${got}, but ${e.from} released ${body}`;
        const byFrom = inner(this.delivered, e.node);
        let list = byFrom.get(e.from);
        if (list === undefined) byFrom.set(e.from, (list = []));
        const expected = list.length + 1;
        if (e.seq !== expected) {
          return e.seq < expected
            ? `${e.node} handled message #${e.seq} from ${e.from} a second time`
            : `${e.node} handled message #${e.seq} from ${e.from} before #${expected}`;
        }
        list.push({ seq: e.seq, record: e.record });
        return undefined;
      }
      case 'app-request': {
        const l = this.ledger(e.node);
        this.seen(l, e.requestId);
        const answer = l.answered.get(e.requestId);
        const evicted = l.firstSeen.size - l.firstSeen.get(e.requestId)! >= this.requestCacheMax;
        if (l.ran.has(e.requestId) && answer !== undefined && !evicted)
          return `${e.node} ran request ${e.requestId} again after it had released its answer ${answer}`;
        l.ran.set(e.requestId, e.record);
        return undefined;
      }
      case 'release-reply': {
        const l = this.ledger(e.node);
        const body = JSON.stringify(e.result);
        if (!e.cached) {
          this.seen(l, e.requestId);
          l.answered.set(e.requestId, body);
          return undefined;
        }
        const before = l.answered.get(e.requestId);
        // A durable answer whose release a crash cut off goes out first from the cache.
        if (before === undefined) return void l.answered.set(e.requestId, body);
        if (before !== body) return `${e.node} answered a retry of request ${e.requestId} with ${body}, but its answer had been ${before}`;
        return undefined;
      }
    }
  }

  private ledger(node: NodeId): RequestLedger {
    let l = this.requests.get(node);
    if (l === undefined) this.requests.set(node, (l = { ran: new Map(), answered: new Map(), firstSeen: new Map() }));
    return l;
  }

  private seen(l: RequestLedger, id: RequestId): void {
    if (!l.firstSeen.has(id)) l.firstSeen.set(id, l.firstSeen.size);
  }

  /** `node` crashed and its log survives up to record `survivingUpTo`: later deliveries and requests are undone. */
  crashed(node: NodeId, survivingUpTo: number): void {
    for (const list of this.delivered.get(node)?.values() ?? []) {
      let keep = list.length;
      while (keep > 0 && list[keep - 1]!.record > survivingUpTo) keep--;
      list.length = keep;
    }
    const l = this.requests.get(node);
    if (l !== undefined) for (const [id, record] of l.ran) if (record > survivingUpTo) l.ran.delete(id);
  }

  /**
   * At the end of a run: a released message that its (up) receiver has not handled is
   * lost if its sender no longer holds it for retransmission (`stillUnacked`), or stuck
   * if it has had long enough to arrive (`overdue`, told the link and the release time).
   */
  lost(
    isUp: (node: NodeId) => boolean,
    overdue: (from: NodeId, to: NodeId, releasedAtMs: number) => boolean,
    stillUnacked: (from: NodeId, to: NodeId, seq: number) => boolean,
  ): string | undefined {
    for (const from of [...this.released.keys()].sort()) {
      const links = this.released.get(from)!;
      for (const to of [...links.keys()].sort()) {
        if (!isUp(to)) continue;
        const seqs = links.get(to)!;
        for (let seq = (this.delivered.get(to)?.get(from)?.length ?? 0) + 1; seqs.has(seq); seq++) {
          const atMs = seqs.get(seq)!.atMs;
          if (!stillUnacked(from, to, seq))
            return `${to} never handled message #${seq} from ${from} (released at ${atMs} ms), yet ${from} no longer holds it to resend`;
          if (overdue(from, to, atMs)) return `${to} still has not handled message #${seq} from ${from}, released at ${atMs} ms`;
        }
      }
    }
    return undefined;
  }
}
