/**
 * # A replicated, partitioned tuplespace (GLOBE's)
 *
 * A tuplespace holds tuples such as `['job', 3]`. `out` writes one; `rd` reads one that
 * matches a template such as `['job', null]` (`null` matches any field), waiting until
 * one exists; `rdp` is the same without waiting (it may answer "none"); `in` and `inp`
 * are the taking versions: they remove the tuple they return. Tuples are partitioned over
 * replica groups by a hash of their first field (FNV-1a, computed in plain code, so every
 * node and platform agrees), and a template's first field must be exact so that it names
 * its partition too. The cluster is cut, in order, into groups of three: the first group
 * holds partition 0, and so on. A node that gets a request for another partition
 * redirects the client to a replica of it.
 *
 * The operations come in two strengths, as in GLOBE. `out`, `rd` and `rdp` are weak: one
 * replica of the partition runs them on its own copy and answers at once. A new tuple is
 * pushed to the partition's other replicas immediately, and every round each replica
 * pulls from a random peer of its group (`ctx.randomInt`) with its operation vector: for
 * each origin (a replica's incarnation), how many of the outs written there it holds.
 * The peer answers with the outs that continue each count, and with the part of the take
 * log the puller lacks. Outs from one origin are applied strictly in their origin's
 * order, so a count names a prefix and the vector is a complete summary. Weak reads may
 * be stale (a tuple may be shown that the sequencer has just handed to a taker) but once
 * every push and pull has gone through, all replicas of a partition hold the same tuples
 * and the same log.
 *
 * `in` and `inp` are strong: exactly one taker may get a tuple, so takes must be put in
 * one order per partition. Each partition has a sequencer, the first replica of its group,
 * and any other replica redirects a take there. The sequencer answers from its own copy:
 * it picks the matching tuple with the lowest id, appends "request r took tuple t" to the
 * partition's log, sends the entry to the group and answers. An `in` with no match waits
 * at the sequencer and is served, oldest first, when a matching out arrives there. A
 * replica applies the log in order and hides every taken tuple; a taken tuple's id stays
 * recorded, so an out that arrives after its own take never makes it reappear. Because
 * only the sequencer takes, and it never takes a tuple twice, no tuple has two takers.
 *
 * Why a fixed sequencer, and Ken. A sequencer is the simplest total order, and with
 * drops, duplicates, reordering, delay, pauses, skew and partitions it stays safe (it is
 * the only one that decides) and live once it can be reached again (clients always reach
 * it; outs reach it by push or pull after a partition heals). What it cannot survive
 * alone is losing its memory: a sequencer that restarted empty would hand out tuples
 * already taken. So the protocol declares `ken: true`: each node checkpoints every turn
 * and releases its messages and replies only once that checkpoint is durable, and a
 * crash followed by a restart looks to everyone else like a slow node. Takes then block
 * while their sequencer is down, and nothing is ever taken twice. (Electing a new
 * sequencer would keep takes available through a crash but needs a consensus protocol:
 * that is what Raft in this library is for.) A blocked `in` stays at the sequencer even
 * after its client gave up, and may still take a tuple later, as a lost reply would.
 */
import { Service, type ClientId, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { FOUNDERS, TIMING, type Options } from './config.ts';
import type { Msg, Req, Res, Timer } from './messages.ts';
import { joinRound, onJoin, onMap } from './membership.ts';
import { isLeader, onAccept, onAck, sendLog } from './replication.ts';
import { initialState, type Ctx, type State } from './state.ts';
import { onTake, takeAlone } from './strong.ts';
import { hash, partitionOf } from './tuples.ts';
import { onPrepare, onPromise, suspectRound } from './viewchange.ts';
import { applyOuts, onOut, onPull, onRead, pullRound } from './weak.ts';

export class Tuplespace extends Service<State, Msg, Req, Res, Timer> {
  private readonly founders: readonly NodeId[];

  constructor(private readonly options: Options = {}) {
    super();
    this.founders = options.founders ?? FOUNDERS;
  }

  initialState(node: NodeInfo): State {
    return initialState(node.self, node.cluster, this.founders);
  }

  override onStart(ctx: Ctx): void {
    ctx.state.incarnation = 1 + ctx.randomInt(2 ** 30);
    ctx.setTimer('gossip', TIMING.gossipMs);
  }

  override onRequest(ctx: Ctx, req: Req, id: RequestId, client: ClientId): void {
    const s = ctx.state;
    if (s.partition < 0 || s.groups.length === 0) {
      // Not a member yet: a contact knows the way.
      if (s.contacts.length > 0) ctx.redirect(id, s.contacts[hash(client) % s.contacts.length]!);
      return;
    }
    const first = req.type === 'out' ? req.tuple[0] : req.template[0];
    const partition = partitionOf(first, s.groups.length);
    const strong = req.type === 'in' || req.type === 'inp';
    if (partition !== s.partition) {
      const group = s.groups[partition];
      if (group !== undefined) ctx.redirect(id, group[hash(client) % group.length]!);
      return;
    }
    if (strong && this.options.bug === 'in-without-global-order') return takeAlone(ctx, id, req.template, req.type === 'in');
    if (strong && !isLeader(ctx)) {
      if (s.leader !== null && s.leader !== ctx.self) ctx.redirect(id, s.leader);
      return; // a view change is under way: the client retries
    }
    switch (req.type) {
      case 'out':
        return onOut(ctx, id, req.tuple);
      case 'rd':
      case 'rdp':
        return onRead(ctx, id, req.template, req.type === 'rd');
      case 'in':
      case 'inp':
        return onTake(ctx, id, req.template, req.type === 'in');
      default:
        return assertNever(req);
    }
  }

  onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    switch (msg.type) {
      case 'Outs':
        return applyOuts(ctx, msg.batch);
      case 'Pull':
        return onPull(ctx, from, msg.vector);
      case 'Accept':
        return onAccept(ctx, from, msg);
      case 'Ack':
        return onAck(ctx, from, msg);
      case 'Prepare':
        return onPrepare(ctx, from, msg);
      case 'Promise':
        return onPromise(ctx, from, msg);
      case 'Join':
        return onJoin(ctx, from, msg);
      case 'Map':
        return onMap(ctx, msg);
      default:
        return assertNever(msg);
    }
  }

  /**
   * The one timer, `gossip`: a pull from a random peer of the group; at the sequencer, the
   * log (or a heartbeat) to every member; elsewhere, the check for a silent sequencer; at
   * a joiner, its Join.
   */
  override onTimer(ctx: Ctx, _tag: Timer): void {
    ctx.setTimer('gossip', TIMING.gossipMs);
    joinRound(ctx);
    if (ctx.state.partition < 0) return;
    pullRound(ctx);
    if (isLeader(ctx)) {
      for (const m of ctx.state.group) if (m !== ctx.self) sendLog(ctx, m);
    } else suspectRound(ctx);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
