import type { NodeId } from '@faultline/runtime';

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
 * Everything a Ken node must get back after a crash, but its request cache, as one
 * immutable value. Every change to it happens in a recorded turn, so a snapshot plus the
 * patches after it rebuild it exactly. (The request cache, a `RequestCache`, is kept
 * beside it and recorded the same way, as notes rather than patches.)
 */
export interface KenState<S = unknown> {
  readonly app: S;
  readonly out: Readonly<Record<NodeId, OutChannel>>;
  /** Per peer, the highest sequence number delivered to the app. */
  readonly in: Readonly<Record<NodeId, number>>;
  /** Armed app timers: tag -> deadline in the node's local milliseconds. */
  readonly timers: Readonly<Record<string, number>>;
}

export function initialKenState<S>(app: S): KenState<S> {
  return { app, out: {}, in: {}, timers: {} };
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
