import type { Context } from './context.ts';
import type { ClientId, NodeId, RequestId } from './ids.ts';
import { Service } from './service.ts';

/**
 * The types two stacked services share (see stack.ts): an upper layer that calls a lower
 * one, and what a call's answer looks like when it comes back.
 */

/** What the lower layer did with a call: answered it (`ctx.reply`) or sent it elsewhere (`ctx.redirect`). */
export type Answer<LRes> = { readonly kind: 'result'; readonly result: LRes } | { readonly kind: 'moved'; readonly to: NodeId };

/**
 * The context an upper layer's handlers get: its own namespaced messages, timers and
 * state slice, as in any service, and a channel down to the lower layer.
 */
export interface UpperContext<S, M, Res, T extends string, LReq> extends Context<S, M, Res, T> {
  /** The nodes of `cluster` that run the lower layer (this node's view of them). */
  readonly lowerNodes: readonly NodeId[];
  /**
   * Asks the lower layer on node `to` to handle `req` as a client request from `client`
   * (default: this node). On this node it runs within the current turn, after the
   * handler that called returns; elsewhere it travels as a message. Its `ctx.reply` or
   * `ctx.redirect` comes back to `onAnswer` under `callId`.
   */
  call(to: NodeId, callId: string, req: LReq, client?: ClientId): void;
}

/**
 * A service written to run above another one in a `stack`. It is a `Service` in every
 * other way; its handlers may take an `UpperContext` to call down, and `onAnswer` takes
 * the lower layer's answers.
 */
export abstract class Upper<S, M, Req, Res, T extends string, LReq, LRes> extends Service<S, M, Req, Res, T> {
  abstract onAnswer(ctx: UpperContext<S, M, Res, T, LReq>, callId: string, answer: Answer<LRes>): void;
}

/** The request id the lower layer sees for a call: names the calling node, so any node of the lower layer can route its answer. */
export function callRequestId(caller: NodeId, callId: string): RequestId {
  return `${CALL_PREFIX}${encodeURIComponent(caller)}>${callId}`;
}

/** The caller and call id of a request id made by `callRequestId` (null for an ordinary client's request). */
export function parseCallRequestId(requestId: RequestId): { caller: NodeId; callId: string } | null {
  if (!requestId.startsWith(CALL_PREFIX)) return null;
  const at = requestId.indexOf('>', CALL_PREFIX.length);
  if (at < 0) return null;
  return { caller: decodeURIComponent(requestId.slice(CALL_PREFIX.length, at)), callId: requestId.slice(at + 1) };
}

const CALL_PREFIX = 'call:';
