/**
 * Lazy replication (Ladin, Liskov, Shrira and Ghemawat, "Providing high availability
 * using lazy replication", 1992) of a key-value store, with causal consistency.
 *
 * Every replica accepts reads and writes on its own. A write is applied where it arrives
 * and answered at once, before any other replica has it; the replicas learn of it later,
 * by gossip. What keeps clients from seeing the world go backwards is time kept in
 * vectors: each replica incarnation counts the writes it has originated, and a replica's
 * timestamp says, per incarnation, how many of those writes its store reflects. A write
 * made at a replica is stamped with the replica's timestamp just after it (its own entry
 * one higher), which is strictly larger than the stamp of every write it could have
 * depended on. Each answer carries the replica's timestamp; a client (its front end)
 * remembers the newest one it has seen, sends it with its next request, and a replica
 * holds that request until its own timestamp dominates it, i.e. until it has everything
 * the client has already seen. That gives read-your-writes and monotonic reads even when a client
 * moves from replica to replica, and, since what a client has seen includes what the
 * writes it read had seen, causal order. If the only replica that had some of what the
 * client has seen fails before gossiping it, no replica will ever catch up: the request
 * stays held (see below).
 *
 * Gossip here ships state rather than Ladin's log of updates: every `TIMING.gossipMs` a
 * replica sends its whole store and timestamp to the next replica it knows, in turn,
 * and the receiver merges: the entrywise maximum of the timestamps and, per key, the
 * winner of the two values. A replica's store is always closed under causal dependency
 * (it only ever holds everything up to its timestamp), and merging two such stores gives
 * another. Concurrent writes of one key are ordered by a total order that extends the
 * causal one (the sum of the write's timestamp, then the originating incarnation), so
 * results are ordered by vector timestamp, writes through one replica stay in the order
 * they were made, and all replicas converge once gossip has gone round.
 *
 * Front ends. In the paper a client talks to the service through a front end on its own
 * machine, which keeps the newest timestamp the client has seen and sends each request,
 * with that timestamp, to some replica. The simulator's clients are generic (a request is
 * made without seeing earlier replies), so here the front end lives at a replica: each
 * client has a home among the founders (`homeOf`, also where the workload sends it
 * first), and any other replica redirects the client there. The front end sends each
 * get to the replicas in turn (a different one for each request, and the next one when a
 * reply is slow), so a client's reads move between replicas as the paper's may; a put is
 * applied at the home replica itself, so that it is applied once (sent to two replicas
 * it would be two writes). The home answers the client itself, so it knows exactly which
 * answer the client saw; a late second answer to a get is folded into the timestamp too.
 *
 * Replicas keep their state across crashes (the paper's replicas log to stable storage;
 * here the protocol asks for Ken checkpointing, `ken: true`), so a crash is a slow
 * replica. If a replica's state were lost, the updates only it had would never arrive
 * and requests needing them would stay held; after `TIMING.reportHeldMs` the front end
 * reports that in its log. A new replica joins through any replica: it gossips its empty
 * state there, is added to that replica's list, is gossiped everything back, and the list
 * spreads by gossip.
 */
import { Service, type ClientId, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { LIMITS, TIMING, type Options } from './config.ts';
import { FOUNDERS, homeOf } from './home.ts';
import type { Msg, Req, Res, Slot, Timer } from './messages.ts';
import { initialState, type Ctx, type FrontEnd, type Held, type State } from './state.ts';
import { dominates, join, weight, type VectorTime } from './vector-time.ts';

export class LazyReplication extends Service<State, Msg, Req, Res, Timer> {
  constructor(private readonly options: Options & { founders?: readonly NodeId[] } = {}) {
    super();
  }

  override initialState(node: NodeInfo): State {
    return initialState(node, { ...this.options, founders: this.options.founders ?? FOUNDERS });
  }

  override onStart(ctx: Ctx): void {
    if (ctx.state.id === '') ctx.state.id = `${ctx.self}.${ctx.randomInt(1_000_000_000)}`;
    this.gossip(ctx);
    ctx.setTimer('tick', TIMING.gossipMs);
  }

  override onTimer(ctx: Ctx): void {
    this.gossip(ctx);
    const s = ctx.state;
    const now = ctx.now();
    for (const client of Object.keys(s.frontEnds).sort()) {
      const fe = s.frontEnds[client]!;
      const cur = fe.current;
      if (cur === null || now - cur.sentMs < TIMING.resendMs) continue;
      if (!fe.reported && now - cur.sentMs >= TIMING.reportHeldMs) {
        fe.reported = true;
        ctx.log(`request ${cur.requestId} of ${client} unanswered for ${TIMING.reportHeldMs} ms: no replica has caught up with what the client has seen`);
      }
      // A slow get goes to the next replica; a put stays with the home replica, which applies it once.
      if (cur.req.type === 'get') cur.server = this.server(ctx, cur.req.seq + cur.sends);
      cur.sends++;
      cur.sentMs = now;
      this.send(ctx, cur.server, { type: 'Serve', client, requestId: cur.requestId, req: cur.req, ts: fe.ts });
    }
    ctx.setTimer('tick', TIMING.gossipMs);
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    const s = ctx.state;
    const home = homeOf(client, s.founders);
    if (home !== s.self) return ctx.redirect(requestId, home);
    const fe = (s.frontEnds[client] ??= { ts: {}, current: null, last: null, reported: false });
    if (fe.last?.requestId === requestId) return ctx.reply(requestId, fe.last.result);
    if (fe.current?.requestId === requestId) return; // a retry: the front end resends on its own timer
    const server = req.type === 'put' ? s.self : this.server(ctx, req.seq);
    fe.current = { client, requestId, req, server, sentMs: ctx.now(), sends: 1 };
    fe.reported = false;
    this.send(ctx, server, { type: 'Serve', client, requestId, req, ts: fe.ts });
  }

  override onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    switch (msg.type) {
      case 'Gossip':
        return this.merge(ctx, from, msg);
      case 'Serve':
        if (!this.serve(ctx, { frontEnd: from, client: msg.client, requestId: msg.requestId, req: msg.req, ts: msg.ts })) this.hold(ctx, from, msg);
        return;
      case 'Served':
        return this.served(ctx, msg.client, msg.requestId, msg.result, msg.ts);
    }
  }

  /** The replica that serves a get: the replicas in turn, in a stable order. */
  private server(ctx: Ctx, turn: number): NodeId {
    const all = [ctx.self, ...ctx.state.known].sort();
    return all[turn % all.length]!;
  }

  /** Sends to a replica, or handles it here if the replica is this one. */
  private send(ctx: Ctx, to: NodeId, msg: Msg): void {
    if (to === ctx.self) this.onMessage(ctx, to, msg);
    else ctx.send(to, msg);
  }

  private merge(ctx: Ctx, from: NodeId, msg: Extract<Msg, { type: 'Gossip' }>): void {
    const s = ctx.state;
    if (!s.known.includes(from) && s.known.length < LIMITS.maxKnown) s.known.push(from);
    for (const n of msg.known) if (n !== s.self && !s.known.includes(n) && s.known.length < LIMITS.maxKnown) s.known.push(n);
    // A store whose timestamp dominates the other's already has every write it has, and the winner of each key.
    if (dominates(s.ts, msg.ts)) return;
    s.ts = join(s.ts, msg.ts);
    for (const key of Object.keys(msg.store).sort()) {
      const theirs = msg.store[key]!;
      const mine = s.store[key];
      if (mine === undefined || later(theirs, mine)) s.store[key] = theirs;
    }
    if (s.held.length === 0) return;
    for (const h of s.held.splice(0)) if (!this.serve(ctx, h)) s.held.push(h);
  }

  private hold(ctx: Ctx, frontEnd: NodeId, msg: Extract<Msg, { type: 'Serve' }>): void {
    const s = ctx.state;
    if (s.held.some((h) => h.requestId === msg.requestId && h.frontEnd === frontEnd)) return;
    if (s.held.length >= LIMITS.maxHeld) return; // dropped: the front end resends elsewhere
    s.held.push({ frontEnd, client: msg.client, requestId: msg.requestId, req: msg.req, ts: msg.ts });
  }

  /** Serves the request if this replica has caught up with the client's timestamp; false if it must wait. */
  private serve(ctx: Ctx, h: Held): boolean {
    const s = ctx.state;
    const caughtUp = dominates(s.ts, h.ts);
    if (!caughtUp && !(s.bug === 'answer-before-caught-up' && h.req.type === 'get')) return false;
    let result: Res;
    if (h.req.type === 'put') {
      s.ts = { ...s.ts, [s.id]: (s.ts[s.id] ?? 0) + 1 };
      s.store[h.req.key] = { value: h.req.value, ts: s.ts, weight: weight(s.ts), origin: s.id };
      result = { type: 'put-ok' };
    } else {
      result = { type: 'get-ok', value: s.store[h.req.key]?.value ?? null };
    }
    this.send(ctx, h.frontEnd, { type: 'Served', client: h.client, requestId: h.requestId, result, ts: s.ts });
    return true;
  }

  /** At the front end: the client has now seen `ts` (even a late second answer counts); answer it if it is still waiting. */
  private served(ctx: Ctx, client: ClientId, requestId: RequestId, result: Res, ts: VectorTime): void {
    const fe: FrontEnd | undefined = ctx.state.frontEnds[client];
    if (fe === undefined) return;
    if (!dominates(fe.ts, ts)) fe.ts = join(fe.ts, ts);
    if (fe.current?.requestId !== requestId) return;
    fe.current = null;
    fe.last = { requestId, result };
    ctx.reply(requestId, result);
  }

  /** Gossips to one known replica per tick, in turn (so each hears from each every few ticks). */
  private gossip(ctx: Ctx): void {
    const s = ctx.state;
    if (s.known.length === 0) return;
    s.gossipTurn = (s.gossipTurn + 1) % s.known.length;
    ctx.send(s.known[s.gossipTurn]!, { type: 'Gossip', ts: s.ts, store: s.store, known: s.known });
  }
}

/** The total order on writes of one key: by timestamp weight (so causal order is kept), then by originating incarnation, then by value. */
export function later(a: Slot, b: Slot): boolean {
  if (a.weight !== b.weight) return a.weight > b.weight;
  if (a.origin !== b.origin) return a.origin > b.origin;
  return a.value > b.value;
}
