import { canonicalJson } from '@faultline/runtime';
import type { Model } from './model.ts';

/** Requests of a FIFO queue (Jepsen's queue workload). `key` names one of several queues. */
export type QueueReq = { readonly type: 'enqueue'; readonly key?: string; readonly value: unknown } | { readonly type: 'dequeue'; readonly key?: string };

/** A dequeue of an empty queue returns `empty`. */
export type QueueRes = { readonly type: 'enqueue-ok' } | { readonly type: 'dequeue-ok'; readonly value: unknown } | { readonly type: 'empty' };

/** The queued elements, oldest first, each as canonical JSON. */
export type QueueState = readonly string[];

/**
 * A linearizable FIFO queue: `enqueue` adds at the tail, `dequeue` takes the head (or
 * answers `empty`). Partitioned by `key` when the requests carry one.
 */
export const queueModel: Model<QueueState, QueueReq, QueueRes> = {
  init: () => [],
  step(state, req) {
    if (req.type === 'enqueue') return { state: [...state, canonicalJson(req.value)], result: { type: 'enqueue-ok' } };
    if (state.length === 0) return { state, result: { type: 'empty' } };
    return { state: state.slice(1), result: { type: 'dequeue-ok', value: JSON.parse(state[0]!) as unknown } };
  },
  equalResults(model, actual) {
    if (actual === undefined || actual === null) throw new Error('queue model: an operation completed with no result; give it its result, or mark it unknown');
    if (model.type !== actual.type) return false;
    return model.type !== 'dequeue-ok' || canonicalJson(model.value) === canonicalJson((actual as { value: unknown }).value);
  },
  equalStates: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]),
  key: (req) => req.key,
  describe(req, result) {
    const on = req.key === undefined ? '' : ` ${req.key}`;
    const call = req.type === 'enqueue' ? `enqueue${on} ${canonicalJson(req.value)}` : `dequeue${on}`;
    if (result === undefined || result.type === 'enqueue-ok') return call;
    return `${call} -> ${result.type === 'empty' ? 'empty' : canonicalJson(result.value)}`;
  },
};
