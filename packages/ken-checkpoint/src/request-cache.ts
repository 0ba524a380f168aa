import type { RequestId } from '@faultline/runtime';
import type { RequestAnswer } from './ken-state.ts';

/** One change to the request cache: `id` now has `answer`. A turn record lists its changes. */
export type RequestNote = readonly [RequestId, RequestAnswer];

/**
 * The requests a node has seen, as a bounded FIFO: a new id joins the back; when more
 * than `max` are held, the oldest are forgotten (a retry of a forgotten request would
 * run again, so `max` should cover a client's retry horizon many times over). Updating
 * an id's answer keeps its place.
 *
 * Mutable, and kept outside the immer-managed KenState on purpose: copy-on-write of a
 * cache of thousands of ids made every request turn copy large objects (it was most of a
 * turn's cost). Its changes are recorded as notes in each turn's record instead, and a
 * snapshot carries all of it; replaying the notes with the same `max` evicts the same ids.
 */
export class RequestCache {
  private readonly answers = new Map<RequestId, RequestAnswer>();
  /**
   * The ids in the order they joined, oldest at `head`. Evicting through the Map's own
   * order (`keys().next()`) was most of a request turn's cost once the cache was full:
   * every deletion at the front leaves a hole that the next iterator walks over again.
   */
  private order: RequestId[] = [];
  private head = 0;

  constructor(readonly max: number) {}

  /** A cache holding `entries` (oldest first), trimmed to `max`. */
  static from(entries: readonly RequestNote[], max: number): RequestCache {
    const c = new RequestCache(max);
    for (const n of entries) c.note(n);
    return c;
  }

  get size(): number {
    return this.answers.size;
  }

  /** The cached answer for `id`, if the node has seen the request (or answered it). */
  get(id: RequestId): RequestAnswer | undefined {
    return this.answers.get(id);
  }

  note([id, answer]: RequestNote): void {
    if (!this.answers.has(id)) this.order.push(id);
    this.answers.set(id, answer);
    while (this.answers.size > this.max) this.answers.delete(this.order[this.head++]!);
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** Every id with its answer, oldest first. */
  entries(): RequestNote[] {
    const out: RequestNote[] = [];
    for (let i = this.head; i < this.order.length; i++) {
      const id = this.order[i]!;
      out.push([id, this.answers.get(id)!]);
    }
    return out;
  }
}
