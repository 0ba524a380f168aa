/**
 * The front ends. In the paper a client talks to the service through a front end on its
 * own machine, which keeps the newest timestamp the client has seen. The simulator's
 * clients are generic (a request is made without seeing earlier replies), so here the
 * front end lives at the replica the client talks to, and it moves with the client only
 * when it must. The clients' sessions (the newest answered request, the timestamp the
 * client had then and the front end that answered) are gossiped. A replica that gets a
 * client's request redirects it to the front end that answered the client last while that
 * one is up; when that one is suspected of having failed (`TIMING.suspectMs` silent), it
 * takes the client over with what it knows, and the answer is marked `stale` (the client's
 * session starts afresh: the failed front end may have known more, or applied the put).
 * A first request (seq 0) is taken by the replica it reaches; a request whose previous
 * answer is not known anywhere here waits `TIMING.failoverMs` for gossip, then is taken
 * over the same way. A front end taken over from one still up (suspected wrongly) may
 * have answered too, and the client may have seen that answer instead, so the next
 * answer after a takeover is marked `stale` as well.
 *
 * A front end sends each get to the replicas in turn (a different one for each request,
 * and the next one when a reply is slow), so a client's reads move between replicas as
 * the paper's may; a put is applied at the front end's own replica, so that it is applied
 * once. The front end answers the client itself, so it knows exactly which answer the
 * client saw; a late second answer to a get is folded into the timestamp too.
 */
import type { ClientId, NodeId, RequestId } from '@faultline/runtime';
import { TIMING } from './config.ts';
import type { Msg, Req, Res } from './messages.ts';
import type { Ctx, FrontEnd } from './state.ts';
import { dominates, join, type VectorTime } from './vector-time.ts';

/** Whether `node` has not been heard from for `TIMING.suspectMs`. */
export function suspected(ctx: Ctx, node: NodeId): boolean {
  return ctx.now() - (ctx.state.heard[node] ?? 0) > TIMING.suspectMs;
}

/** The replica that serves a get: the replicas in turn, in a stable order. */
export function server(ctx: Ctx, turn: number): NodeId {
  const all = [ctx.self, ...ctx.state.known].sort();
  return all[turn % all.length]!;
}

/** A client's request arrives at this replica; `send` delivers a message to a replica (this one included). */
export function takeRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId, send: (to: NodeId, msg: Msg) => void): void {
  const s = ctx.state;
  const fe: FrontEnd = (s.frontEnds[client] ??= { ts: {}, current: null, last: null, unsure: null });
  if (fe.last?.requestId === requestId) return ctx.reply(requestId, fe.last.result);
  if (fe.current?.requestId === requestId) return; // a retry: the front end resends on its own timer
  const known = s.sessions[client];
  const last = known?.at;
  // The front end that answered the client last keeps it while it is up (two front ends would apply a put twice).
  if (last !== undefined && last !== s.self && (s.bug === 'no-failover' || !suspected(ctx, last))) return ctx.redirect(requestId, last);
  let stale: NodeId[] = [];
  let takeover = true;
  if (last !== undefined && last !== s.self) {
    stale = [last]; // it has failed: take the client over with what is known here
  } else if (known === undefined ? req.seq > 0 : known.seq !== req.seq - 1) {
    // The client was answered last by a front end not known here yet (gossip may be on its way): let it retry for a while.
    if (fe.unsure?.requestId !== requestId) fe.unsure = { requestId, sinceMs: ctx.now() };
    if (ctx.now() - fe.unsure.sinceMs < TIMING.failoverMs) return;
    stale = ['?'];
  } else {
    takeover = false;
    // This front end answered the previous request when it took the client over: the front end it took it from may have answered too, and the client seen that answer.
    if (known?.uncertain === true) stale = ['?'];
  }
  fe.unsure = null;
  if (known !== undefined && !dominates(fe.ts, known.ts)) fe.ts = join(fe.ts, known.ts);
  const to = req.type === 'put' ? s.self : server(ctx, req.seq);
  fe.current = { client, requestId, req, server: to, sentMs: ctx.now(), sends: 1, stale, takeover };
  send(to, { type: 'Serve', client, requestId, req, ts: fe.ts, ...(takeover ? { takeover: true as const } : {}) });
}

/** At a timer tick: resends every request unanswered for `TIMING.resendMs` (a get to the next replica). */
export function resend(ctx: Ctx, send: (to: NodeId, msg: Msg) => void): void {
  const s = ctx.state;
  const now = ctx.now();
  for (const client of Object.keys(s.frontEnds).sort()) {
    const fe = s.frontEnds[client]!;
    const cur = fe.current;
    if (cur === null || now - cur.sentMs < TIMING.resendMs) continue;
    // A slow get goes to the next replica; a put stays with this replica, which applies it once.
    if (cur.req.type === 'get') cur.server = server(ctx, cur.req.seq + cur.sends);
    cur.sends++;
    cur.sentMs = now;
    send(cur.server, { type: 'Serve', client, requestId: cur.requestId, req: cur.req, ts: fe.ts, ...(cur.takeover ? { takeover: true as const } : {}) });
  }
}

/**
 * A replica's answer reaches the front end: the client has now seen `ts` (even a late
 * second answer counts); answer the client if it is still waiting. A stale answer starts
 * the client's session afresh, from the answering replica's timestamp.
 */
export function served(ctx: Ctx, client: ClientId, requestId: RequestId, result: Res, ts: VectorTime): void {
  const s = ctx.state;
  const fe: FrontEnd | undefined = s.frontEnds[client];
  if (fe === undefined) return;
  const current = fe.current?.requestId === requestId ? fe.current : null;
  const stale = [...new Set([...(current?.stale ?? []), ...(result.stale ?? [])])].sort();
  if (current !== null && stale.length > 0) fe.ts = { ...ts };
  else if (!dominates(fe.ts, ts)) fe.ts = join(fe.ts, ts);
  if (current === null) return;
  const answer: Res = stale.length > 0 ? { ...result, stale } : result;
  fe.current = null;
  fe.last = { requestId, result: answer };
  s.sessions[client] = { seq: current.req.seq, ts: fe.ts, at: s.self, ...(current.takeover && current.stale.length > 0 ? { uncertain: true as const } : {}) };
  ctx.reply(requestId, answer);
}
