/**
 * # A replicated, partitioned tuplespace (GLOBE's)
 *
 * A tuplespace holds tuples such as `['job', 3]`. `out` writes one; `rd` reads one that
 * matches a template such as `['job', null]` (`null` matches any field), waiting until
 * one exists; `rdp` is the same without waiting (it may answer "none"); `in` and `inp`
 * are the taking versions: they remove the tuple they return. Tuples are partitioned over
 * replica groups by a hash of their first field (FNV-1a, computed in plain code, so every
 * node and platform agrees): each partition holds an interval of the 32-bit key space
 * (directory.ts), and a template's first field must be exact so that it names its
 * partition too. The founders are cut, in order, into groups of three, holding equal
 * intervals in order. A node that gets a request for another partition's key
 * redirects the client to a replica of it.
 *
 * The operations come in two strengths, as in GLOBE. `out`, `rd` and `rdp` are weak: one
 * replica of the partition runs them on its own copy and answers at once. A new tuple is
 * pushed to the partition's other replicas immediately, and every round each replica
 * pulls from a random peer of its group (`ctx.randomInt`) with its operation vector: for
 * each origin (a replica's incarnation), how many of the outs written there it holds.
 * The peer answers with the outs that continue each count. Outs from one origin are
 * applied strictly in their origin's order, so a count names a prefix and the vector is a
 * complete summary. Weak reads may be stale (a tuple may be shown that has just been
 * taken) but once every push and pull has gone through, all replicas of a partition hold
 * the same tuples.
 *
 * `in` and `inp` are strong: exactly one taker may get a tuple, so each partition keeps
 * one ordered log of takes, replicated by majority (replication.ts). The sequencer of the
 * current view picks the matching tuple with the lowest id that no entry names yet,
 * appends "request r took tuple t", sends the entry to the group, and answers once a
 * majority of the group holds it (it is then committed). Replicas apply committed entries
 * in order and hide every taken tuple; a taken tuple's id stays recorded, so an out that
 * arrives after its own take never makes it reappear. An `in` with no match waits at the
 * sequencer and is served, oldest first, when a matching out arrives there.
 *
 * No single node is needed for takes. A replica that has not heard its sequencer for a
 * few rounds asks the group to vote for it in the next view; with the votes of a majority
 * it adopts the most up-to-date of their logs and sequences from there (viewchange.ts has
 * the safety argument: every committed take is in that log, and a view has one
 * sequencer). So with a minority of a group down, or cut off, its takes go on; with a
 * majority down they wait. State survives crashes with Ken (`ken: true`): votes and logs
 * must not be forgotten, so a restart looks to everyone else like a slow node.
 *
 * Replicas are added at run time (membership.ts): a new node asks its contacts to be
 * admitted; the sequencer of the partition with the fewest replicas appends a config
 * entry with the group grown by one, and once that commits the joiner is a member: the
 * sequencer sends it the log, and its pulls bring it every tuple written before it came.
 * Under Ken's reliable links that state transfer is the work anti-entropy does. Replicas
 * also leave at run time (leave.ts): a leaver stops serving, hands over the outs only it
 * may hold (it asks to be removed once another member's pull vector covers them), and is
 * removed by a config entry; a leaving sequencer commits its own removal and the rest
 * elect another. A group never shrinks below `GROUP_SIZE`. The intervals change at run
 * time too (rehash.ts): a group grown to `2 * GROUP_SIZE` splits its interval, the upper
 * half going to a new partition replicated by its newer half; a group of `GROUP_SIZE`
 * that loses a member merges its interval into a neighbour's and retires.
 */
import { Service, type ClientId, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { FOUNDERS, LEAVES, TIMING, type Options } from './config.ts';
import type { Msg, Req, Res, Timer } from './messages.ts';
import { leaveRound, onElsewhere, onLeave, onLeft } from './leave.ts';
import { ownerOf } from './directory.ts';
import { gossipRound, joinRound, onJoin, onMap } from './membership.ts';
import { onAbsorb, onAbsorbed, onHandoff, onHandoffAck, onNotNeighbour, onSplitDone, rehashRound, serving, splitRound } from './rehash.ts';
import { isLeader, onAccept, onAck, recipients, sendLog } from './replication.ts';
import { initialState, owns, type Ctx, type State } from './state.ts';
import { onTake, takeAlone } from './strong.ts';
import { hash, keyOf } from './tuples.ts';
import { onPrepare, onPromise, suspectRound } from './viewchange.ts';
import { applyOuts, onOut, onPull, onRead, pullRound } from './weak.ts';

export class Tuplespace extends Service<State, Msg, Req, Res, Timer> {
  private readonly founders: readonly NodeId[];
  private readonly leaves: Readonly<Record<NodeId, number>>;

  constructor(private readonly options: Options = {}) {
    super();
    this.founders = options.founders ?? FOUNDERS;
    this.leaves = options.leaves ?? (options.founders === undefined ? LEAVES : {});
  }

  initialState(node: NodeInfo): State {
    return initialState(node.self, node.cluster, this.founders, this.leaves[node.self] ?? -1);
  }

  override onStart(ctx: Ctx): void {
    ctx.state.incarnation = 1 + ctx.randomInt(2 ** 30);
    ctx.setTimer('gossip', this.options.gossipMs ?? TIMING.gossipMs);
  }

  override onRequest(ctx: Ctx, req: Req, id: RequestId, client: ClientId): void {
    const s = ctx.state;
    const to = (group: readonly NodeId[]) => group.length > 0 && ctx.redirect(id, group[hash(client) % group.length]!);
    if (s.partition === '') return void to(s.contacts); // not a member yet: a contact knows the way
    const key = keyOf(req.type === 'out' ? req.tuple[0] : req.template[0]);
    if (!owns(s, key)) {
      // Another partition's key (or this one's, merged away): the directory knows where; if it does not yet, the client retries.
      const owner = ownerOf(s.dir, key, s.partition) ?? s.into;
      if (owner !== null) to(s.dir[owner]?.group ?? []);
      return;
    }
    if (s.leaving !== 'stay') return void to(s.group.filter((m) => m !== ctx.self)); // leaving, or gone: another member serves it
    const strong = req.type === 'in' || req.type === 'inp';
    if (strong && this.options.bug === 'in-without-global-order') return takeAlone(ctx, id, req.template, req.type === 'in');
    if (strong && !isLeader(ctx)) {
      if (s.leader !== null && s.leader !== ctx.self) ctx.redirect(id, s.leader);
      return; // a view change is under way: the client retries
    }
    if (strong && !serving(s, key)) return; // a split or merge moves the key: the client retries, then where it went
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
        return onMap(ctx, msg.dir);
      case 'Handoff':
        return onHandoff(ctx, from, msg.tuples);
      case 'HandoffAck':
        return onHandoffAck(ctx, msg.ids);
      case 'Absorb':
        return onAbsorb(ctx, from, msg);
      case 'Absorbed':
        return onAbsorbed(ctx, msg.from, msg.by);
      case 'NotNeighbour':
        return onNotNeighbour(ctx, msg);
      case 'Leave':
        return onLeave(ctx, from, msg.partition, msg.ready);
      case 'Left':
        return onLeft(ctx);
      case 'Elsewhere':
        return onElsewhere(ctx, from);
      case 'SplitDone':
        return onSplitDone(ctx, msg.partition, msg.at, msg.view);
      default:
        return assertNever(msg);
    }
  }

  /**
   * The one timer, `gossip`: a pull from a random peer of the group, and the directory to
   * a node of another partition; at the sequencer, the log (or a heartbeat) to every
   * member, and a split once the group is big enough; elsewhere, the check for a silent
   * sequencer; at a joiner, its Join; at a leaver, its countdown or its request to leave
   * (once it has left, it pulls no more); the hand-over of tuples outside the interval, and
   * at a merged replica, the request to absorb it.
   */
  override onTimer(ctx: Ctx, _tag: Timer): void {
    ctx.setTimer('gossip', this.options.gossipMs ?? TIMING.gossipMs);
    joinRound(ctx);
    leaveRound(ctx); // counts a joiner's rounds too
    if (ctx.state.partition === '') return;
    rehashRound(ctx);
    if (ctx.state.leaving !== 'left') {
      pullRound(ctx);
      gossipRound(ctx);
    }
    if (isLeader(ctx)) {
      for (const m of recipients(ctx)) sendLog(ctx, m);
      splitRound(ctx);
    } else suspectRound(ctx);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
