import type { NodeId, RequestId } from '@faultline/runtime';

/** A message sent but not yet acknowledged by its peer. */
export interface UnackedMessage {
  readonly seq: number;
  readonly msg: unknown;
}

/** One peer's outgoing channel: the next sequence number and what is not yet acked. */
export interface OutChannel {
  readonly next: number;
  /** In `seq` order, contiguous, ending at `next - 1`. */
  readonly unacked: readonly UnackedMessage[];
}

/** What a node did with a client request: still working on it, answered, or sent elsewhere. */
export type RequestAnswer = 'pending' | { readonly result: unknown } | { readonly redirect: NodeId };

/**
 * The requests a node has seen, as a bounded FIFO: slots `head .. tail-1` hold the ids in
 * arrival order. Objects keyed by slot (not arrays) so that evicting the oldest is one
 * small patch rather than a shift of every entry; both maps are split into buckets (see
 * `request-cache.ts`) so that a turn copies one bucket rather than the whole cache.
 */
export interface RequestCache {
  /** Hash bucket -> request id -> answer. */
  readonly byId: Readonly<Record<string, Readonly<Record<RequestId, RequestAnswer>>>>;
  /** Chunk (slot / 128) -> slot -> request id. */
  readonly order: Readonly<Record<number, Readonly<Record<number, RequestId>>>>;
  readonly head: number;
  readonly tail: number;
}

/**
 * Everything a Ken node must get back after a crash, as one immutable value. Every
 * change to it happens in a recorded turn, so a snapshot plus the patches after it
 * rebuild it exactly.
 */
export interface KenState<S = unknown> {
  readonly app: S;
  readonly out: Readonly<Record<NodeId, OutChannel>>;
  /** Per peer, the highest sequence number delivered to the app. */
  readonly in: Readonly<Record<NodeId, number>>;
  /** Armed app timers: tag -> deadline in the node's local milliseconds. */
  readonly timers: Readonly<Record<string, number>>;
  readonly requests: RequestCache;
}

export function initialKenState<S>(app: S): KenState<S> {
  return { app, out: {}, in: {}, timers: {}, requests: { byId: {}, order: {}, head: 0, tail: 0 } };
}

/** How many messages to `peer` are unacknowledged. */
export function unackedCount(state: KenState<unknown>, peer: NodeId): number {
  return state.out[peer]?.unacked.length ?? 0;
}

/** The highest sequence number `peer` has acknowledged. */
export function ackedSeq(state: KenState<unknown>, peer: NodeId): number {
  const ch = state.out[peer];
  if (ch === undefined) return 0;
  return (ch.unacked[0]?.seq ?? ch.next) - 1;
}

/**
 * Keys that immer's `applyPatches` refuses (prototype pollution guard). A node id,
 * timer tag or request id with one of these names would make a record unreplayable.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function checkKey(what: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError(`ken: a ${what} must be a non-empty string, got ${String(key)}`);
  if (RESERVED_KEYS.has(key)) throw new TypeError(`ken: '${key}' cannot be used as a ${what} (it is a reserved object key)`);
}
