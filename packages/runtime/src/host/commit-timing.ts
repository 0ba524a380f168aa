import type { RequestId } from '../ids.ts';

/** Requests whose arrival time is kept at most (a request never answered here is forgotten). */
const REQUESTS_TRACKED_MAX = 10_000;

/**
 * Where a node's time goes between an input and its effect, on the real clock: how long its
 * flushes take (the layer's fdatasync, under Ken), how long an input's outputs wait for the
 * flush that covers them (output commit), and how long a client request stays on this node
 * before its reply goes out. Totals in milliseconds, so `stats()` can be summed and divided:
 * `flushMs / flushes` is the mean sync, `commitWaitMs / inputsCommitted` the mean wait of an
 * input for its sync, of which `queueMs / inputsCommitted` before that sync began (the
 * sync in flight when it ran, then the rest of the event loop's ready work), and
 * `replyMs / repliesTimed` the mean time a request spent on the node.
 */
export class CommitTiming {
  readonly totals = { flushes: 0, flushMs: 0, inputsCommitted: 0, commitWaitMs: 0, queueMs: 0, repliesTimed: 0, replyMs: 0 };
  /** Inputs run since the last flush began: how many, and the sum of their times. */
  private waitingCount = 0;
  private waitingSumMs = 0;
  /** The same for the flush in flight, and when it began. */
  private flushingCount = 0;
  private flushingSumMs = 0;
  private flushStartMs = 0;
  private readonly requestAtMs = new Map<RequestId, number>();

  constructor(private readonly nowMs: () => number) {}

  /** An input ran now; its outputs, if held, wait for the next flush to begin. */
  input(): void {
    this.waitingCount++;
    this.waitingSumMs += this.nowMs();
  }

  /** A flush begins: it covers every input run since the last one began. */
  flushBegins(): void {
    const now = this.nowMs();
    this.totals.queueMs += this.waitingCount * now - this.waitingSumMs;
    this.flushingCount = this.waitingCount;
    this.flushingSumMs = this.waitingSumMs;
    this.waitingCount = 0;
    this.waitingSumMs = 0;
    this.flushStartMs = now;
  }

  /** The flush that began last is done: its inputs' outputs are released now. */
  flushDone(): void {
    const now = this.nowMs();
    const t = this.totals;
    t.flushes++;
    t.flushMs += now - this.flushStartMs;
    t.inputsCommitted += this.flushingCount;
    t.commitWaitMs += this.flushingCount * now - this.flushingSumMs;
    this.flushingCount = 0;
    this.flushingSumMs = 0;
  }

  request(id: RequestId): void {
    if (this.requestAtMs.has(id)) return; // a retry: the first arrival counts
    if (this.requestAtMs.size >= REQUESTS_TRACKED_MAX) this.requestAtMs.clear();
    this.requestAtMs.set(id, this.nowMs());
  }

  reply(id: RequestId): void {
    const at = this.requestAtMs.get(id);
    if (at === undefined) return;
    this.requestAtMs.delete(id);
    this.totals.repliesTimed++;
    this.totals.replyMs += this.nowMs() - at;
  }
}
