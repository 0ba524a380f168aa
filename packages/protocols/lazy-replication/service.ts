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
 * depended on. Each answer carries the replica's timestamp; a client remembers the
 * newest one it has seen, sends it with its next request, and a replica holds that
 * request until its own timestamp dominates it, i.e. until it has everything the client
 * has already seen. That gives read-your-writes and monotonic reads even when a client
 * moves from replica to replica, and, since what a client has seen includes what the
 * writes it read had seen, causal order. If the only replica that had some of what the
 * client has seen fails before gossiping it, no replica will ever catch up: the request
 * stays held, and after `TIMING.reportHeldMs` the replica says so in its log.
 *
 * Gossip here ships state rather than Ladin's log of updates: every `TIMING.gossipMs` a
 * replica sends its whole store, timestamp and session table to every replica it knows,
 * and the receiver merges: the entrywise maximum of the timestamps and, per key, the
 * winner of the two values. A replica's store is always closed under causal dependency
 * (it only ever holds everything up to its timestamp), and merging two such stores gives
 * another. Concurrent writes of one key are ordered by a total order that extends the
 * causal one (the sum of the write's timestamp, then the originating incarnation), so
 * results are ordered by vector timestamp, writes through one replica stay in the order
 * they were made, and all replicas converge once gossip has gone round.
 *
 * Replicas keep no state across a crash: a restarted replica starts empty as a new
 * incarnation (a fresh entry in the vectors, so what it lost is never mistaken for
 * covered). A new replica joins through any replica, as a restarted one does: it gossips
 * its empty state there, is added to that replica's list, is gossiped everything back, and
 * the list spreads by gossip.
 *
 * The client's timestamp (a stand-in; see the report): the simulator's clients are
 * generic, and a workload cannot feed a reply into the next request, so a client cannot
 * carry its timestamp. Instead the replicas keep a session table, replicated by gossip:
 * per client, the number of its last answered request and the timestamp it was answered
 * with. Each request carries the client's request number `seq`; a replica answers
 * request `seq` only once its session table has the client's request `seq - 1` (or
 * later) and its timestamp dominates that entry's. A retry of a write already applied
 * (its `seq` is already in the table) is answered without applying it again.
 */
import { Service, type ClientId, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { LIMITS, TIMING, type Options } from './config.ts';
import type { Msg, Req, Res, Slot, Snapshot, Timer } from './messages.ts';
import { initialState, type Ctx, type State } from './state.ts';
import { dominates, join, weight } from './vector-time.ts';

export class LazyReplication extends Service<State, Msg, Req, Res, Timer> {
  constructor(private readonly options: Options = {}) {
    super();
  }

  override initialState(node: NodeInfo): State {
    return initialState(node, this.options);
  }

  override onStart(ctx: Ctx): void {
    ctx.state.id = `${ctx.self}.${ctx.randomInt(1_000_000_000)}`;
    this.gossip(ctx);
    ctx.setTimer('tick', TIMING.gossipMs);
  }

  override onTimer(ctx: Ctx): void {
    this.gossip(ctx);
    const s = ctx.state;
    for (const h of s.held) {
      if (h.reported || ctx.now() - h.sinceMs < TIMING.reportHeldMs) continue;
      h.reported = true;
      ctx.log(`request ${h.requestId} of ${h.client} held for ${TIMING.reportHeldMs} ms: no update has arrived to catch up with what the client has seen (the replica that had it may have failed)`);
    }
    ctx.setTimer('tick', TIMING.gossipMs);
  }

  override onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    const s = ctx.state;
    if (!s.known.includes(from) && s.known.length < LIMITS.maxKnown) s.known.push(from);
    for (const n of msg.known) if (n !== s.self && !s.known.includes(n) && s.known.length < LIMITS.maxKnown) s.known.push(n);
    // A store whose timestamp dominates the other's already has every write it has, and the winner of each key.
    if (!dominates(s.ts, msg.ts)) {
      s.ts = join(s.ts, msg.ts);
      for (const key of Object.keys(msg.store).sort()) {
        const theirs = msg.store[key]!;
        const mine = s.store[key];
        if (mine === undefined || later(theirs, mine)) s.store[key] = theirs;
      }
    }
    for (const client of Object.keys(msg.sessions).sort()) {
      const theirs = msg.sessions[client]!;
      const mine = s.sessions[client];
      if (mine === undefined || theirs.seq > mine.seq) s.sessions[client] = theirs;
      else if (theirs.seq === mine.seq && !dominates(mine.ts, theirs.ts)) s.sessions[client] = { seq: mine.seq, ts: join(mine.ts, theirs.ts) };
    }
    this.releaseHeld(ctx);
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    if (this.tryAnswer(ctx, req, requestId, client)) return;
    const s = ctx.state;
    if (s.held.some((h) => h.requestId === requestId)) return;
    if (s.held.length >= LIMITS.maxHeld) return; // dropped: the client retries elsewhere
    s.held.push({ requestId, client, req, sinceMs: ctx.now(), reported: false });
  }

  /** Answers the held requests that can now be answered, oldest first. */
  private releaseHeld(ctx: Ctx): void {
    const s = ctx.state;
    if (s.held.length === 0) return;
    const waiting = s.held.splice(0);
    for (const h of waiting) if (!this.tryAnswer(ctx, h.req, h.requestId, h.client)) s.held.push(h);
  }

  /** Answers the request if the replica has caught up with the client; false if it must wait. */
  private tryAnswer(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): boolean {
    const s = ctx.state;
    const session = s.sessions[client];
    if (session !== undefined && req.seq < session.seq) return true; // a late copy of an old request: the client has moved on
    if (session !== undefined && req.seq === session.seq && req.type === 'put') {
      ctx.reply(requestId, { type: 'put-ok' }); // a retry of a write already applied somewhere
      return true;
    }
    const caughtUp = req.seq === 0 || (session !== undefined && session.seq >= req.seq - 1 && dominates(s.ts, session.ts));
    if (!caughtUp && !(s.bug === 'answer-before-caught-up' && req.type === 'get')) return false;
    if (req.type === 'put') {
      s.ts = { ...s.ts, [s.id]: (s.ts[s.id] ?? 0) + 1 };
      s.store[req.key] = { value: req.value, ts: s.ts, weight: weight(s.ts), origin: s.id };
      s.sessions[client] = { seq: req.seq, ts: s.ts };
      ctx.reply(requestId, { type: 'put-ok' });
    } else {
      s.sessions[client] = { seq: req.seq, ts: session === undefined ? s.ts : join(s.ts, session.ts) };
      ctx.reply(requestId, { type: 'get-ok', value: s.store[req.key]?.value ?? null });
    }
    return true;
  }

  private gossip(ctx: Ctx): void {
    const s = ctx.state;
    const snapshot: Snapshot = { ts: s.ts, store: s.store, sessions: s.sessions, known: s.known };
    ctx.broadcast({ type: 'Gossip', ...snapshot }, s.known);
  }
}

/** The total order on writes of one key: by timestamp weight (so causal order is kept), then by originating incarnation, then by value. */
export function later(a: Slot, b: Slot): boolean {
  if (a.weight !== b.weight) return a.weight > b.weight;
  if (a.origin !== b.origin) return a.origin > b.origin;
  return a.value > b.value;
}
