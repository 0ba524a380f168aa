import type { Context } from './context.ts';
import type { ClientId, NodeId, RequestId } from './ids.ts';
import { callRequestId, parseCallRequestId, type Answer, type Upper, type UpperContext } from './layers.ts';
import { Service, type NodeInfo } from './service.ts';

/**
 * Two services stacked into one: an upper layer (e.g. a front end) over a lower one (e.g.
 * a replicated store), each on the nodes its placement names (both on every node by
 * default: a true stack; or on different nodes: a tier over another). To the simulator,
 * the checker and Ken the result is one Service: one turn runs whatever both layers do
 * for one input, so Ken checkpoints the whole node per turn.
 *
 * Each layer keeps what it would have alone: its state is its own slice of the node's
 * state (`upper` or `lower`, null on a node it does not run on), its messages travel
 * wrapped with its layer's name and reach only the same layer, its timers are named
 * `upper:<tag>` and `lower:<tag>`, and its `cluster` is the nodes it runs on. The one
 * channel between them is `call` (upper to lower, on this node or another) and the
 * answer that comes back to the upper layer's `onAnswer`: the lower layer sees a call
 * as an ordinary client request, so an unchanged service can be the lower layer.
 *
 * Client requests go to the upper layer; a node that does not run it redirects them to
 * a node that does. A stack is a Service, so it can itself be a lower layer.
 */
export interface StackOptions<U, L> {
  readonly upper: U;
  readonly lower: L;
  /** The nodes that run the upper layer (default: every node). */
  readonly upperOn?: (node: NodeId) => boolean;
  /** The nodes that run the lower layer (default: every node). */
  readonly lowerOn?: (node: NodeId) => boolean;
  /** The name in traces (default `upper/lower` from the layers' names). */
  readonly name?: string;
}

export interface StackState<SU, SL> {
  readonly upper: SU | null;
  readonly lower: SL | null;
}

export type StackMsg<MU, ML, LReq, LRes> =
  | { readonly layer: 'upper'; readonly msg: MU }
  | { readonly layer: 'lower'; readonly msg: ML }
  | { readonly layer: 'call'; readonly callId: string; readonly client: ClientId; readonly req: LReq }
  | { readonly layer: 'answer'; readonly callId: string; readonly answer: Answer<LRes> };

export type StackTimer<TU extends string, TL extends string> = `upper:${TU}` | `lower:${TL}`;

/** At most this many calls and answers run within one turn (a call loop between the layers is a bug). */
export const MAX_LOCAL_STEPS = 10_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyUpper = Upper<any, any, any, any, any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLower = Service<any, any, any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctx = Context<StackState<any, any>, StackMsg<any, any, any, any>, any, string>;

/** Stacks `upper` over `lower` (see `StackOptions`); the upper layer's calls and answers must be the lower's requests and replies. */
export function stack<L extends AnyLower, U extends CallerOf<L>>(options: StackOptions<U, L>): Stack<U, L> {
  return new Stack(options);
}

/** An upper layer whose calls are `L`'s requests and whose answers are `L`'s replies. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CallerOf<L> = Upper<any, any, any, any, any, ReqOf<L>, ResOf<L>>;

type StateOf<X> = X extends Service<infer S, any, any, any, any> ? S : never; // eslint-disable-line @typescript-eslint/no-explicit-any
type MsgOf<X> = X extends Service<any, infer M, any, any, any> ? M : never; // eslint-disable-line @typescript-eslint/no-explicit-any
type ReqOf<X> = X extends Service<any, any, infer R, any, any> ? R : never; // eslint-disable-line @typescript-eslint/no-explicit-any
type ResOf<X> = X extends Service<any, any, any, infer R, any> ? R : never; // eslint-disable-line @typescript-eslint/no-explicit-any
type TimerOf<X> = X extends Service<any, any, any, any, infer T> ? T : never; // eslint-disable-line @typescript-eslint/no-explicit-any

export class Stack<U extends AnyUpper, L extends AnyLower> extends Service<
  StackState<StateOf<U>, StateOf<L>>,
  StackMsg<MsgOf<U>, MsgOf<L>, ReqOf<L>, ResOf<L>>,
  ReqOf<U>,
  ResOf<U>,
  StackTimer<TimerOf<U>, TimerOf<L>>
> {
  readonly upper: U;
  readonly lower: L;
  private readonly upperOn: (node: NodeId) => boolean;
  private readonly lowerOn: (node: NodeId) => boolean;
  private readonly label: string;

  constructor(options: StackOptions<U, L>) {
    super();
    this.upper = options.upper;
    this.lower = options.lower;
    this.upperOn = options.upperOn ?? (() => true);
    this.lowerOn = options.lowerOn ?? (() => true);
    this.label = options.name ?? `${options.upper.name}/${options.lower.name}`;
  }

  override get name(): string {
    return this.label;
  }

  initialState(node: NodeInfo): StackState<StateOf<U>, StateOf<L>> {
    const on = (pred: (n: NodeId) => boolean) => ({ self: node.self, cluster: node.cluster.filter(pred) });
    return {
      upper: this.upperOn(node.self) ? this.upper.initialState(on(this.upperOn)) : null,
      lower: this.lowerOn(node.self) ? this.lower.initialState(on(this.lowerOn)) : null,
    };
  }

  override onStart(ctx: Ctx): void {
    this.turn(ctx, (t) => {
      if (t.lowerHere) this.lower.onStart(t.lowerCtx);
      if (t.upperHere) this.upper.onStart(t.upperCtx);
    });
  }

  override onRequest(ctx: Ctx, req: ReqOf<U>, requestId: RequestId, client: ClientId): void {
    this.turn(ctx, (t) => {
      if (t.upperHere) return this.upper.onRequest(t.upperCtx, req, requestId, client);
      const others = ctx.cluster.filter((n) => n !== ctx.self && this.upperOn(n));
      if (others.length > 0) ctx.redirect(requestId, others[ctx.randomInt(others.length)]!);
    });
  }

  onMessage(ctx: Ctx, from: NodeId, msg: StackMsg<MsgOf<U>, MsgOf<L>, ReqOf<L>, ResOf<L>>): void {
    this.turn(ctx, (t) => {
      switch (msg.layer) {
        case 'upper':
          return t.upperHere ? this.upper.onMessage(t.upperCtx, from, msg.msg) : undefined;
        case 'lower':
          return t.lowerHere ? this.lower.onMessage(t.lowerCtx, from, msg.msg) : undefined;
        case 'call':
          return t.lowerHere ? this.lower.onRequest(t.lowerCtx, msg.req, callRequestId(from, msg.callId), msg.client) : undefined;
        case 'answer':
          return t.upperHere ? this.upper.onAnswer(t.upperCtx, msg.callId, msg.answer) : undefined;
      }
    });
  }

  override onTimer(ctx: Ctx, tag: string): void {
    this.turn(ctx, (t) => {
      if (tag.startsWith('upper:')) {
        if (t.upperHere) this.upper.onTimer(t.upperCtx, tag.slice('upper:'.length));
      } else if (tag.startsWith('lower:')) {
        if (t.lowerHere) this.lower.onTimer(t.lowerCtx, tag.slice('lower:'.length));
      }
    });
  }

  /** Runs `first`, then every call and answer between the layers on this node it led to, in order. */
  private turn(ctx: Ctx, first: (t: StackTurn) => void): void {
    const t = new StackTurn(ctx, this.upper, this.lower, this.upperOn, this.lowerOn);
    first(t);
    for (let steps = 0; t.local.length > 0; steps++) {
      if (steps >= MAX_LOCAL_STEPS) throw new Error(`${this.label}: more than ${MAX_LOCAL_STEPS} calls between the layers in one turn`);
      t.local.shift()!();
    }
  }
}

/** One turn of a stack: the two layers' contexts over the node's, and the calls between them still to run here. */
class StackTurn {
  readonly local: (() => void)[] = [];
  readonly upperHere: boolean;
  readonly lowerHere: boolean;
  private upperCached: UpperContext<unknown, unknown, unknown, string, unknown> | undefined;
  private lowerCached: Context<unknown, unknown, unknown, string> | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly upper: AnyUpper,
    private readonly lower: AnyLower,
    private readonly upperOn: (node: NodeId) => boolean,
    private readonly lowerOn: (node: NodeId) => boolean,
  ) {
    this.upperHere = upperOn(ctx.self);
    this.lowerHere = lowerOn(ctx.self);
  }

  get upperCtx(): UpperContext<unknown, unknown, unknown, string, unknown> {
    if (this.upperCached !== undefined) return this.upperCached;
    const ctx = this.ctx;
    const base = this.layerContext('upper', (n) => this.upperOn(n));
    const lowerNodes = ctx.cluster.filter((n) => this.lowerOn(n));
    const call = (to: NodeId, callId: string, req: unknown, client: ClientId = ctx.self): void => {
      if (to !== ctx.self) return ctx.send(to, { layer: 'call', callId, client, req });
      if (!this.lowerHere) throw new Error(`${ctx.self} called its own lower layer, which does not run here`);
      this.local.push(() => this.lower.onRequest(this.lowerCtx, req, callRequestId(ctx.self, callId), client));
    };
    return (this.upperCached = Object.assign(base, { lowerNodes, call }));
  }

  get lowerCtx(): Context<unknown, unknown, unknown, string> {
    if (this.lowerCached !== undefined) return this.lowerCached;
    const base = this.layerContext('lower', (n) => this.lowerOn(n));
    const answer = (requestId: RequestId, a: Answer<unknown>, toClient: () => void): void => {
      const call = parseCallRequestId(requestId);
      if (call === null) return toClient();
      if (call.caller !== this.ctx.self) return this.ctx.send(call.caller, { layer: 'answer', callId: call.callId, answer: a });
      if (this.upperHere) this.local.push(() => this.upper.onAnswer(this.upperCtx, call.callId, a));
    };
    base.reply = (requestId, result) => answer(requestId, { kind: 'result', result }, () => this.ctx.reply(requestId, result));
    base.redirect = (requestId, to) => answer(requestId, { kind: 'moved', to }, () => this.ctx.redirect(requestId, to));
    return (this.lowerCached = base);
  }

  /** A context for one layer: its state slice, cluster, messages and timers; replies go to the node's clients. */
  private layerContext(layer: 'upper' | 'lower', on: (n: NodeId) => boolean): Context<unknown, unknown, unknown, string> {
    const ctx = this.ctx;
    const cluster = ctx.cluster.filter(on);
    const peers = cluster.filter((n) => n !== ctx.self);
    return {
      self: ctx.self,
      cluster,
      peers,
      get state() {
        const slice = ctx.state[layer];
        if (slice === null) throw new Error(`${ctx.self} does not run the ${layer} layer`);
        return slice;
      },
      now: () => ctx.now(),
      random: () => ctx.random(),
      randomInt: (n) => ctx.randomInt(n),
      send: (to, msg) => ctx.send(to, { layer, msg }),
      broadcast: (msg, to) => ctx.broadcast({ layer, msg }, to ?? peers),
      setTimer: (tag, delayMs) => ctx.setTimer(`${layer}:${tag}`, delayMs),
      cancelTimer: (tag) => ctx.cancelTimer(`${layer}:${tag}`),
      reply: (requestId, result) => ctx.reply(requestId, result),
      redirect: (requestId, to) => ctx.redirect(requestId, to),
      log: (...parts) => ctx.log(`[${layer}]`, ...parts),
      unackedTo: (peer) => ctx.unackedTo(peer),
    };
  }
}
