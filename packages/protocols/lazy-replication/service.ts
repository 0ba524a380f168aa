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
 * client has seen fails before gossiping it, no replica can catch up until it is back
 * (see below for what happens then).
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
 * Front ends (front-end.ts) live at the replica a client talks to and move with it: any
 * replica can complete a client's request while one is up (the assignment's requirement (1)),
 * checked by the `answered` property (liveness.ts).
 *
 * Replicas keep their state across crashes (the paper's replicas log to stable storage;
 * here the protocol asks for Ken checkpointing, `ken: true`), so a crash is a slow
 * replica. While it is down, the updates only it had do not arrive, so the assignment's
 * rule applies: a replica waits until it has caught up with the client's timestamp
 * "unless the only back end server containing the data with such a timestamp has failed".
 * A request held for `TIMING.failoverMs` whose missing updates all come from replicas not
 * heard from for `TIMING.suspectMs` is served without them, and the answer names those
 * replicas (`stale`): the client's session starts afresh from there. A new replica joins through any replica: it gossips its empty
 * state there, is added to that replica's list, is gossiped everything back, and the list
 * spreads by gossip.
 */
import { Service, type ClientId, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { LIMITS, type Options } from './config.ts';
import { reconsider, resend, served, suspected, takeRequest, told } from './front-end.ts';
import { isUpdate, later, type Msg, type Req, type Res, type Slot, type Timer } from './messages.ts';
import { firm, hasPost, listed, mergePosts } from './posts.ts';
import { initialState, pace, type Ctx, type Held, type State } from './state.ts';
import { dominates, join, weight } from './vector-time.ts';

export class LazyReplication extends Service<State, Msg, Req, Res, Timer> {
  constructor(private readonly options: Options = {}) {
    super();
  }

  override initialState(node: NodeInfo): State {
    return initialState(node, this.options);
  }

  override onStart(ctx: Ctx): void {
    if (ctx.state.id === '') ctx.state.id = `${ctx.self}.${ctx.randomInt(1_000_000_000)}`;
    this.gossip(ctx);
    ctx.setTimer('tick', pace(ctx.state).gossipMs);
  }

  override onTimer(ctx: Ctx): void {
    resend(ctx, (to, msg) => this.send(ctx, to, msg));
    reconsider(ctx, (to, msg) => this.send(ctx, to, msg));
    this.failOver(ctx);
    // Making tentative posts firm is an update: gossip then carries it to replicas that had everything else.
    if (firm(ctx.state)) advance(ctx.state);
    // Last: the message holds the state's objects, snapshot at the end of the turn, and a
    // timestamp replaced after it was sent would go out older than the lists (seed 152 with partitions).
    this.gossip(ctx);
    ctx.setTimer('tick', pace(ctx.state).gossipMs);
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    takeRequest(ctx, req, requestId, client, (to, msg) => this.send(ctx, to, msg));
  }

  override onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    if (from !== ctx.self) ctx.state.heard[from] = ctx.now();
    switch (msg.type) {
      case 'Gossip':
        return this.merge(ctx, from, msg);
      case 'Serve': {
        const h: Held = { frontEnd: from, client: msg.client, requestId: msg.requestId, req: msg.req, ts: msg.ts, sinceMs: ctx.now(), takeover: msg.takeover === true, blind: msg.blind === true };
        if (!this.serve(ctx, h)) this.hold(ctx, h);
        return;
      }
      case 'Ask':
        return this.send(ctx, from, { type: 'Tell', client: msg.client, requestId: msg.requestId, session: ctx.state.sessions[msg.client] ?? null });
      case 'Tell':
        return told(ctx, from, msg.client, msg.requestId, msg.session, (to, m) => this.send(ctx, to, m));
      case 'Served':
        return served(ctx, msg.client, msg.requestId, msg.result, msg.ts);
    }
  }

  /** Sends to a replica, or handles it here if the replica is this one. */
  private send(ctx: Ctx, to: NodeId, msg: Msg): void {
    if (to === ctx.self) this.onMessage(ctx, to, msg);
    else ctx.send(to, msg);
  }

  private merge(ctx: Ctx, from: NodeId, msg: Extract<Msg, { type: 'Gossip' }>): void {
    const s = ctx.state;
    if (!s.known.includes(from) && s.known.length < LIMITS.maxKnown) s.known.push(from);
    for (const n of msg.known) {
      if (n === s.self || s.known.includes(n) || s.known.length >= LIMITS.maxKnown) continue;
      s.known.push(n);
      // Known from now on: suspected once silent for `TIMING.suspectMs` from here.
      s.heard[n] ??= ctx.now();
    }
    for (const client of Object.keys(msg.sessions).sort()) {
      const theirs = msg.sessions[client]!;
      const mine = s.sessions[client];
      if (mine === undefined || theirs.seq > mine.seq) s.sessions[client] = theirs;
      // Two front ends answered the same request (one took the client over): the client saw one of the two.
      // A front end keeps its own (it is asked whether another answered the client).
      else if (theirs.seq === mine.seq && theirs.at !== mine.at && mine.uncertain !== true)
        s.sessions[client] = { ...(mine.at !== s.self && (theirs.at === s.self || theirs.at > mine.at) ? theirs : mine), uncertain: true };
    }
    // A store whose timestamp dominates the other's already has every write it has, and the winner of each key.
    if (dominates(s.ts, msg.ts)) return;
    s.ts = join(s.ts, msg.ts);
    for (const key of Object.keys(msg.store).sort()) {
      const theirs = msg.store[key]!;
      const mine = s.store[key];
      if (mine === undefined || later(theirs, mine)) s.store[key] = theirs;
    }
    for (const user of Object.keys(msg.posts).sort()) {
      const mine = s.posts[user];
      if (mine !== msg.posts[user]) s.posts[user] = mergePosts(mine ?? [], msg.posts[user]!, s.bug);
    }
    if (s.held.length === 0) return;
    for (const h of s.held.splice(0)) if (!this.serve(ctx, h)) s.held.push(h);
  }

  private hold(ctx: Ctx, h: Held): void {
    const s = ctx.state;
    if (s.held.some((x) => x.requestId === h.requestId && x.frontEnd === h.frontEnd)) return;
    if (s.held.length >= LIMITS.maxHeld) return; // dropped: the front end resends elsewhere
    s.held.push(h);
  }

  /**
   * The assignment's failure rule: a request held for `TIMING.failoverMs` that waits only
   * for updates originated by replicas now suspected of having failed is served without them.
   */
  private failOver(ctx: Ctx): void {
    const s = ctx.state;
    if (s.bug === 'no-failover' || s.held.length === 0) return;
    const now = ctx.now();
    for (const h of s.held.splice(0)) {
      const missing = now - h.sinceMs < pace(s).failoverMs ? null : missingFrom(s.ts, h.ts);
      if (missing === null || !missing.every((n) => suspected(ctx, n)) || !this.serve(ctx, h, missing)) s.held.push(h);
    }
  }

  /**
   * Serves the request if this replica has caught up with the client's timestamp, or
   * without what the replicas in `stale` had; false if it must wait.
   */
  private serve(ctx: Ctx, h: Held, stale: readonly NodeId[] = []): boolean {
    const s = ctx.state;
    // A put another front end is known to have answered (the client moved on while it was held here): not applied twice.
    const session = s.sessions[h.client];
    if (isUpdate(h.req) && session !== undefined && session.seq >= h.req.seq && session.at !== h.frontEnd) return true;
    const caughtUp = stale.length > 0 || dominates(s.ts, h.ts);
    if (!caughtUp && !(s.bug === 'answer-before-caught-up' && !isUpdate(h.req))) return false;
    const mark = stale.length > 0 ? { stale } : {};
    let result: Res;
    if (h.req.type === 'put') {
      advance(s);
      // A put taken over from a front end that may have applied it already is ordered just
      // after what the client had seen, not after all this replica has: a second copy then
      // never overtakes writes that followed the first (seed 47 of the first version).
      const slot: Slot = { value: h.req.value, ts: s.ts, weight: h.takeover ? weight(h.ts) + 1 : weight(s.ts), origin: s.id };
      const mine = s.store[h.req.key];
      if (mine === undefined || later(slot, mine)) s.store[h.req.key] = slot;
      result = { type: 'put-ok', ...mark };
    } else if (h.req.type === 'post') {
      // A post is stamped with the replica's timestamp just after it (see posts.ts); one applied here already is
      // not applied again, unless only tentatively and this front end knows what the client had seen.
      if (!hasPost(s.posts[h.req.user], h.req.text, !h.blind)) {
        advance(s);
        const post: Slot = { value: h.req.text, ts: s.ts, weight: weight(s.ts), origin: s.id, ...(h.blind ? { tentative: { client: h.client, seq: h.req.seq } } : {}) };
        s.posts[h.req.user] = mergePosts(s.posts[h.req.user] ?? [], [post], s.bug);
      }
      result = { type: 'post-ok', ...mark };
    } else if (h.req.type === 'read') {
      result = { type: 'read-ok', posts: listed(s.posts[h.req.user]), ...mark };
    } else {
      result = { type: 'get-ok', value: s.store[h.req.key]?.value ?? null, ...mark };
    }
    this.send(ctx, h.frontEnd, { type: 'Served', client: h.client, requestId: h.requestId, result, ts: s.ts });
    return true;
  }

  /** Gossips to one known replica per tick, in turn (so each hears from each every few ticks). */
  private gossip(ctx: Ctx): void {
    const s = ctx.state;
    if (s.known.length === 0) return;
    s.gossipTurn = (s.gossipTurn + 1) % s.known.length;
    ctx.send(s.known[s.gossipTurn]!, { type: 'Gossip', ts: s.ts, store: s.store, posts: s.posts, known: s.known, sessions: s.sessions });
  }
}

/** An update is made here: one more in this incarnation's entry of the replica's timestamp. */
function advance(s: State): void {
  s.ts = { ...s.ts, [s.id]: (s.ts[s.id] ?? 0) + 1 };
}

/** The replicas whose updates `have` lacks of those in `want` (an incarnation `n2.8841` names replica n2), sorted. */
function missingFrom(have: Readonly<Record<string, number>>, want: Readonly<Record<string, number>>): NodeId[] {
  const nodes = new Set<NodeId>();
  for (const id in want) if ((have[id] ?? 0) < want[id]!) nodes.add(id.slice(0, id.lastIndexOf('.')));
  return [...nodes].sort();
}
