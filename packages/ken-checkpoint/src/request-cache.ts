import type { RequestId } from '@faultline/runtime';
import type { Draft } from 'immer';
import type { RequestAnswer, RequestCache } from './ken-state.ts';

/**
 * The cache is split so that noting one request copies a small part of it, not all of
 * it: immer copies every object on the path it changes, and a flat object of 10,000 ids
 * copied on each request turn made the cache the most expensive part of a turn. Ids go
 * to one of `ID_BUCKETS` buckets by a hash; FIFO slots go in chunks of `ORDER_CHUNK`.
 */
const ID_BUCKETS = 64;
const ORDER_CHUNK = 128;

/** FNV-1a over the id's UTF-16 code units: a stable bucket for an id. */
function bucketOf(id: RequestId): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return `b${(h >>> 0) % ID_BUCKETS}`;
}

function chunkOf(slot: number): number {
  return Math.floor(slot / ORDER_CHUNK);
}

/** The cached answer for `id`, if the node has seen the request (or answered it). */
export function cachedAnswer(cache: RequestCache, id: RequestId): RequestAnswer | undefined {
  const bucket = cache.byId[bucketOf(id)];
  return bucket !== undefined && Object.hasOwn(bucket, id) ? bucket[id] : undefined;
}

/** The ids the cache remembers, oldest first. */
export function cachedIds(cache: RequestCache): RequestId[] {
  const ids: RequestId[] = [];
  for (let slot = cache.head; slot < cache.tail; slot++) ids.push(cache.order[chunkOf(slot)]![slot]!);
  return ids;
}

/**
 * Records `answer` for `id`. A new id joins the back of the FIFO; when the cache holds
 * more than `max`, the oldest ids are forgotten (a retry of a forgotten request would run
 * again, so `max` should cover a client's retry horizon many times over).
 */
export function noteRequest(cache: Draft<RequestCache>, id: RequestId, answer: RequestAnswer, max: number): void {
  const key = bucketOf(id);
  const bucket = (cache.byId[key] ??= {});
  const known = Object.hasOwn(bucket, id);
  bucket[id] = answer as Draft<RequestAnswer>;
  if (known) return;
  const chunk = chunkOf(cache.tail);
  (cache.order[chunk] ??= {})[cache.tail] = id;
  cache.tail++;
  while (cache.tail - cache.head > max) {
    const oldChunk = chunkOf(cache.head);
    const slots = cache.order[oldChunk]!;
    const old = slots[cache.head]!;
    delete slots[cache.head];
    if (chunkOf(cache.head + 1) !== oldChunk) delete cache.order[oldChunk];
    const oldBucket = cache.byId[bucketOf(old)]!;
    delete oldBucket[old];
    cache.head++;
  }
}
