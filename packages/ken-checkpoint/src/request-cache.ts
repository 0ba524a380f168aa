import type { RequestId } from '@faultline/runtime';
import type { Draft } from 'immer';
import type { RequestAnswer, RequestCache } from './ken-state.ts';

/** The cached answer for `id`, if the node has seen the request (or answered it). */
export function cachedAnswer(cache: RequestCache, id: RequestId): RequestAnswer | undefined {
  return Object.hasOwn(cache.byId, id) ? cache.byId[id] : undefined;
}

/**
 * Records `answer` for `id`. A new id joins the back of the FIFO; when the cache holds
 * more than `max`, the oldest ids are forgotten (a retry of a forgotten request would run
 * again, so `max` should cover a client's retry horizon many times over).
 */
export function noteRequest(cache: Draft<RequestCache>, id: RequestId, answer: RequestAnswer, max: number): void {
  if (Object.hasOwn(cache.byId, id)) {
    cache.byId[id] = answer as Draft<RequestAnswer>;
    return;
  }
  cache.byId[id] = answer as Draft<RequestAnswer>;
  cache.order[cache.tail] = id;
  cache.tail++;
  while (cache.tail - cache.head > max) {
    const old = cache.order[cache.head];
    delete cache.order[cache.head];
    if (old !== undefined) delete cache.byId[old];
    cache.head++;
  }
}
