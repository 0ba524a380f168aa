import { Service, type Context, type NodeId, type RequestId } from '@faultline/runtime';

/** Test service: on each tick sends the next numbered ping to every peer; records what it gets. */
export interface PingState {
  sent: number;
  got: Record<NodeId, number[]>;
  total: number;
  applied: RequestId[];
}
export type PingMsg = { type: 'ping'; n: number };
export type PingReq = { add: number } | { hold: true } | { redirectTo: NodeId };
type Ctx = Context<PingState, PingMsg, number, 'tick'>;

export class Pinger extends Service<PingState, PingMsg, PingReq, number, 'tick'> {
  /** How many times onRequest ran (across instances sharing this service object). */
  requestCalls = 0;

  constructor(
    readonly limit: number,
    readonly tickMs = 5,
  ) {
    super();
  }
  initialState(): PingState {
    return { sent: 0, got: {}, total: 0, applied: [] };
  }
  override onStart(ctx: Ctx): void {
    ctx.setTimer('tick', this.tickMs);
  }
  override onTimer(ctx: Ctx): void {
    if (ctx.state.sent < this.limit) {
      ctx.state.sent++;
      ctx.broadcast({ type: 'ping', n: ctx.state.sent });
    }
    if (ctx.state.sent < this.limit) ctx.setTimer('tick', this.tickMs);
  }
  onMessage(ctx: Ctx, from: NodeId, msg: PingMsg): void {
    (ctx.state.got[from] ??= []).push(msg.n);
  }
  override onRequest(ctx: Ctx, req: PingReq, id: RequestId): void {
    this.requestCalls++;
    if ('redirectTo' in req) return ctx.redirect(id, req.redirectTo);
    if ('hold' in req) return;
    ctx.state.total += req.add;
    ctx.state.applied.push(id);
    ctx.reply(id, ctx.state.total);
  }
}
