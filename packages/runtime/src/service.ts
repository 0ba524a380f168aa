import type { Context } from './context.ts';
import type { ClientId, NodeId, RequestId } from './ids.ts';

/** What a service learns about its place in the cluster when its state is created. */
export interface NodeInfo {
  readonly self: NodeId;
  readonly cluster: readonly NodeId[];
}

/**
 * A protocol: one instance per node, holding no state of its own. State lives in `S`
 * and changes only inside handlers, through `ctx.state`. Handlers are synchronous and
 * perform no I/O; everything they do goes through the context.
 *
 * - `initialState` builds the volatile state on first start and on every restart.
 * - `onStart` runs once per start (and again after a crash-restart).
 * - `onMessage`, `onTimer` and `onRequest` each handle one input.
 */
export abstract class Service<S, M, Req = unknown, Res = unknown, T extends string = string> {
  /** The name used in traces and error messages. */
  get name(): string {
    return this.constructor.name;
  }
  abstract initialState(node: NodeInfo): S;
  onStart(_ctx: Context<S, M, Res, T>): void {}
  abstract onMessage(ctx: Context<S, M, Res, T>, from: NodeId, msg: M): void;
  onTimer(_ctx: Context<S, M, Res, T>, tag: T): void {
    throw new Error(`${this.name} armed timer '${tag}' but has no onTimer handler`);
  }
  onRequest(_ctx: Context<S, M, Res, T>, _req: Req, requestId: RequestId, _client: ClientId): void {
    throw new Error(`${this.name} received request ${requestId} but has no onRequest handler`);
  }
}

/** Any service, for code that drives services without knowing their types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyService = Service<any, any, any, any, any>;
