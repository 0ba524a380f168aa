import type { Draft } from 'immer';
import type { NodeId, RequestId } from './ids.ts';

/**
 * Everything a handler may touch. A handler changes its node's state only through
 * `ctx.state` (an immer draft, created the first time it is read in a turn) and acts on
 * the world only through these methods, which record effects that the driver carries
 * out after the turn. Time and randomness come from here too, never from globals.
 */
export interface Context<S, M, Res = unknown, T extends string = string> {
  /** This node's id. */
  readonly self: NodeId;
  /** The nodes this node knows of when it starts, itself included, in a stable order. */
  readonly cluster: readonly NodeId[];
  /** `cluster` without `self`. */
  readonly peers: readonly NodeId[];
  /** The node's state as an immer draft: mutate it freely within the turn. */
  readonly state: Draft<S>;
  /** The node's local clock in milliseconds (skewed and drifting in the simulator). */
  now(): number;
  /** A uniform number in [0, 1) from this node's deterministic stream. */
  random(): number;
  /** A uniform integer in [0, n). */
  randomInt(n: number): number;
  send(to: NodeId, msg: M): void;
  /** Sends `msg` to every node in `to` except this one (default: `peers`). */
  broadcast(msg: M, to?: Iterable<NodeId>): void;
  /** Arms the timer `tag` to fire after `delayMs` of local time, replacing an armed one. */
  setTimer(tag: T, delayMs: number): void;
  cancelTimer(tag: T): void;
  /** Answers a client request. May be called in a later turn, or by another node. */
  reply(requestId: RequestId, result: Res): void;
  /** Tells the client to send this request to another node instead. */
  redirect(requestId: RequestId, to: NodeId): void;
  log(...parts: unknown[]): void;
  /**
   * How many messages this node sent to `peer` that the peer has not yet acknowledged.
   * Only the Ken layer tracks acknowledgements; without it this is always 0.
   */
  unackedTo(peer: NodeId): number;
}
