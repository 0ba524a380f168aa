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
 * answer is not known here waits `TIMING.failoverMs` for gossip (looked at again at every
 * tick: under Ken the client's retries of a request a node has taken on are dropped), then
 * is taken over the same way. Late copies of requests older than one known are ignored.
 *
 * Two front ends can answer the same request: a takeover from one wrongly suspected (a
 * partition), or a first request that reached two. The client saw one answer, and neither
 * front end knows which. So a session that may have been answered twice is `uncertain`:
 * before answering the client's next request as its front end, the front end asks every
 * replica (`Ask`, `Tell`) whether another front end answered that request or a later one;
 * if one did, or a replica is silent or has not told within `TIMING.failoverMs` (it may be
 * that front end), the answer is stale. And
 * the old front end may answer the request after a takeover without ever having heard of
 * it: an answer given by a front end unsure to be the client's is marked `takeover`, and
 * the client's session starts afresh at it and at the client's next answer (see
 * `restartsSession`).
 *
 * A front end sends each get to the replicas in turn (a different one for each request,
 * and the next one when a reply is slow), so a client's reads move between replicas as
 * the paper's may; a put is applied at the front end's own replica, so that it is applied
 * once. The front end answers the client itself, so it knows exactly which answer the
 * client saw; a late second answer to a get is folded into the timestamp too.
 */
import type { ClientId, NodeId, RequestId } from '@faultline/runtime';
import { isUpdate, type Msg, type Req, type Res, type Session } from './messages.ts';
import { pace, type Ctx, type FrontEnd } from './state.ts';
import { dominates, join, type VectorTime } from './vector-time.ts';

/** Whether `node` has not been heard from for `TIMING.suspectMs`. */
export function suspected(ctx: Ctx, node: NodeId): boolean {
  return ctx.now() - (ctx.state.heard[node] ?? 0) > pace(ctx.state).suspectMs;
}

/** The replica that serves a get: the replicas in turn, in a stable order. */
export function server(ctx: Ctx, turn: number): NodeId {
  const all = [ctx.self, ...ctx.state.known].sort();
  return all[turn % all.length]!;
}

/** A client's request arrives at this replica (or is looked at again, see `reconsider`); `send` delivers a message to a replica (this one included). */
export function takeRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId, send: (to: NodeId, msg: Msg) => void): void {
  const s = ctx.state;
  const fe: FrontEnd = (s.frontEnds[client] ??= { ts: {}, current: null, last: null, unsure: null });
  if (fe.last?.requestId === requestId) return ctx.reply(requestId, fe.last.result);
  if (fe.current?.requestId === requestId) return; // a retry: the front end resends on its own timer
  const known = s.sessions[client];
  // A late copy of a request older than one known here: the client has had its answer and moved on.
  if (fe.unsure !== null && fe.unsure.req.seq < req.seq) fe.unsure = null;
  if (req.seq < Math.max(fe.current?.req.seq ?? -1, fe.unsure?.req.seq ?? -1, known?.seq ?? -1)) {
    if (fe.unsure?.requestId === requestId) fe.unsure = null;
    return;
  }
  const last = known?.at;
  // The front end that answered the client last keeps it while it is up (two front ends would apply a put twice).
  if (last !== undefined && last !== s.self && (s.bug === 'no-failover' || !suspected(ctx, last))) {
    if (fe.unsure?.requestId === requestId) fe.unsure = null;
    return ctx.redirect(requestId, last);
  }
  let stale: NodeId[] = [];
  let takeover = true;
  // Taken over from a failed front end knowing the client's previous answer for sure: what the client has seen is known here (see posts.ts).
  let informed = false;
  if (last !== undefined && last !== s.self) {
    stale = [last]; // it has failed: take the client over with what is known here
    informed = known!.seq === req.seq - 1 && known!.uncertain !== true;
  } else if (known === undefined ? req.seq > 0 : known.seq !== req.seq - 1) {
    // The client was answered last by a front end not known here yet (gossip may be on its
    // way): look again at every tick for a while. (Not left to the client's retries: under Ken
    // a retry of a request a node has taken is dropped, the node is to answer it.)
    if (fe.unsure?.requestId !== requestId) fe.unsure = { client, requestId, req, sinceMs: ctx.now() };
    if (s.bug === 'no-failover' || ctx.now() - fe.unsure.sinceMs < pace(s).failoverMs) return;
    stale = ['?'];
  } else {
    // A first request is taken by whichever front end it reaches, a late copy of it too (one
    // that has not heard of the client yet): its put is ordered as a taken-over one (service.ts).
    takeover = req.seq === 0;
  }
  if (fe.unsure?.requestId === requestId) fe.unsure = null;
  if (known !== undefined && !dominates(fe.ts, known.ts)) fe.ts = join(fe.ts, known.ts);
  const to = isUpdate(req) ? s.self : server(ctx, req.seq);
  // This front end answered the client's previous request, but another may have answered it
  // too (see `Session.uncertain`) and the client seen that answer: ask every replica first.
  // One silent too long may be that front end: the answer is then stale without asking.
  const confirm = !takeover && known?.uncertain === true;
  if (confirm) stale = s.known.filter((n) => suspected(ctx, n));
  const asking = confirm && stale.length === 0 ? [...s.known] : [];
  fe.current = { client, requestId, req, server: to, sentMs: ctx.now(), sends: 0, stale, takeover, informed, asking, askedMs: ctx.now() };
  if (asking.length === 0) return dispatch(ctx, fe, send);
  for (const n of asking) send(n, { type: 'Ask', client, requestId });
}

/** Sends the front end's request in flight to its replica. */
function dispatch(ctx: Ctx, fe: FrontEnd, send: (to: NodeId, msg: Msg) => void): void {
  const cur = fe.current!;
  cur.sends++;
  cur.sentMs = ctx.now();
  send(cur.server, { type: 'Serve', client: cur.client, requestId: cur.requestId, req: cur.req, ts: fe.ts, ...(cur.takeover ? { takeover: true as const } : {}), ...(cur.stale.length > 0 && !cur.informed ? { blind: true as const } : {}) });
}

/**
 * A replica's answer to `Ask`: if it knows of an answer to the client's previous request
 * (or a later one) by another front end, the client may have seen that one, and this front
 * end's answer is stale. The request goes out once every replica asked has told.
 */
export function told(ctx: Ctx, from: NodeId, client: ClientId, requestId: RequestId, session: Session | null, send: (to: NodeId, msg: Msg) => void): void {
  const fe: FrontEnd | undefined = ctx.state.frontEnds[client];
  const cur = fe?.current;
  if (fe === undefined || cur === null || cur === undefined || cur.requestId !== requestId || !cur.asking.includes(from)) return;
  cur.asking = cur.asking.filter((n) => n !== from);
  if (session !== null && session.seq >= cur.req.seq - 1 && session.at !== ctx.self) cur.stale.push(session.at);
  if (cur.asking.length === 0) dispatch(ctx, fe, send);
}

/** At a timer tick: asks again, or resends every request unanswered for `TIMING.resendMs` (a get to the next replica). */
export function resend(ctx: Ctx, send: (to: NodeId, msg: Msg) => void): void {
  const s = ctx.state;
  const now = ctx.now();
  const { failoverMs, resendMs } = pace(s);
  for (const client of Object.keys(s.frontEnds).sort()) {
    const fe = s.frontEnds[client]!;
    const cur = fe.current;
    if (cur === null) continue;
    if (cur.asking.length > 0) {
      // A replica that fell silent while asked may be the front end the client saw last; so may
      // one that has not told for `TIMING.failoverMs` although it is heard from (after a restart
      // under Ken, what it sent before the crash can keep arriving long before its answer does).
      const late = now - cur.askedMs >= failoverMs;
      for (const n of cur.asking) if (late || suspected(ctx, n)) cur.stale.push(n);
      cur.asking = cur.asking.filter((n) => !late && !suspected(ctx, n));
      if (cur.asking.length === 0) dispatch(ctx, fe, send);
      else if (now - cur.sentMs >= resendMs) {
        cur.sentMs = now;
        for (const n of cur.asking) send(n, { type: 'Ask', client, requestId: cur.requestId });
      }
      continue;
    }
    if (now - cur.sentMs < resendMs) continue;
    // A slow get or read goes to the next replica; a put or post stays with this replica, which applies it once.
    if (!isUpdate(cur.req)) cur.server = server(ctx, cur.req.seq + cur.sends);
    dispatch(ctx, fe, send);
  }
}

/** At a timer tick: looks again at the requests whose client's previous answer is not known here yet. */
export function reconsider(ctx: Ctx, send: (to: NodeId, msg: Msg) => void): void {
  for (const client of Object.keys(ctx.state.frontEnds).sort()) {
    const u = ctx.state.frontEnds[client]!.unsure;
    if (u !== null) takeRequest(ctx, u.req, u.requestId, u.client, send);
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
  // Answered without being sure it is the client's front end: the front end the client had may
  // answer its next request too, without knowing of this answer (see `Marks.takeover`).
  const unsure = current.takeover || current.stale.length > 0;
  const answer: Res = stale.length > 0 ? { ...result, stale, ...(unsure ? { takeover: true as const } : {}) } : result;
  fe.current = null;
  fe.last = { requestId, result: answer };
  const prev = s.sessions[client];
  // Another front end is known to have answered this request too, or may have (a first
  // request is taken by whichever front end it reaches): the client saw one of them.
  const twice = (prev !== undefined && prev.seq === current.req.seq && prev.at !== s.self) || current.req.seq === 0;
  if (prev === undefined || prev.seq <= current.req.seq)
    s.sessions[client] = { seq: current.req.seq, ts: fe.ts, at: s.self, ...(unsure || twice ? { uncertain: true as const } : {}) };
  ctx.reply(requestId, answer);
}
