/**
 * # An epidemic replicated collection (Tempest's TempestCollection)
 *
 * Every replica holds the whole collection and takes every request: `add`, `remove`,
 * `get` (is it there?), `size` and `iterate`. Reads are answered from the local copy, so
 * they may be stale; updates spread between replicas by anti-entropy, the "epidemic"
 * of Demers et al. ("Epidemic algorithms for replicated database maintenance", 1987).
 * Once the network heals and the clients stop, every live replica holds the same
 * collection within a bounded number of gossip rounds.
 *
 * The collection is an observed-remove set. Each add carries a unique tag (the id of the
 * client request, which stays the same across retries, so a retried add is the same add).
 * A remove tombstones the tags of the element that its replica can see: it removes what it
 * observed and nothing else, so a concurrent add elsewhere, with a tag the remover never
 * saw, survives (add wins). An element is present while it has a tag that is not
 * tombstoned. A replica's state is two growing sets, tags and tombstones, and two states
 * merge by union, which is commutative, associative and idempotent: the order, the loss
 * and the duplication of messages cannot make replicas disagree for good. Tombstones are
 * never collected. That is the price of never resurrecting: an add that is still
 * travelling, or a replica that missed the remove, cannot bring a removed tag back,
 * because its tombstone wins every merge. (Without the tombstone, the bug
 * `remove-without-tombstone`, the next exchange with any replica that still has the tag
 * brings the element back.)
 *
 * Anti-entropy is push-pull. Every gossip round a node sends the next peer of its cycle a
 * digest (its tags and tombstones); the peer answers with the entries the node lacks and
 * the tags it lacks itself; the node sends those. After one exchange both hold the union
 * of what either held when it began. Peers are visited in a random order (drawn with
 * `ctx.randomInt`) that is a permutation of all peers per cycle, so a node exchanges with
 * every peer once per `n - 1` rounds: from the last input (healing, or the last client
 * update), every entry any live replica holds is at every live replica within
 * `2 (n - 1)` rounds (a partial cycle, then a whole one), plus message latency. The
 * quiet period is set to that bound (see `index.ts`), so the convergence property, which
 * is checked when it ends, checks exactly "within R rounds".
 *
 * Durability and restarts. State is volatile: a crashed replica restarts empty and is
 * refilled by anti-entropy, which is all an eventually consistent set needs. An empty
 * replica cannot resurrect anything (it has no tags to offer, and every tag it receives
 * comes with every tombstone its sender holds), and it cannot hide anything for good
 * (the others still hold it). What a crash can lose is an update that only the crashed
 * replica had, so an add or a remove is answered only once a second replica has
 * acknowledged it: the replica pushes it to every peer right away and again every round
 * until one answers. An acknowledged update thus survives any single crash (the default
 * scenario has at most one faulty node at a time), and anti-entropy copies it further
 * long before the next one. A replica cut off from all peers does not answer updates;
 * the client times out and retries at another replica, with the same tag.
 */
import { Service, type ClientId, type NodeId, type RequestId } from '@faultline/runtime';
import { TIMING, type Options } from './config.ts';
import { gossipRound, onAck, onDelta, onSync } from './gossip.ts';
import type { Msg, Req, Res, Timer } from './messages.ts';
import { onClientRequest } from './requests.ts';
import { emptyHome, fetchRound, onFetch, onSnapshot } from './sequential.ts';
import { initialState, type Ctx, type State } from './state.ts';

export class EpidemicCollection extends Service<State, Msg, Req, Res, Timer> {
  constructor(private readonly options: Options = {}) {
    super();
  }

  initialState(): State {
    return initialState();
  }

  override onStart(ctx: Ctx): void {
    ctx.state.incarnation = 1 + ctx.randomInt(2 ** 30);
    ctx.setTimer('gossip', TIMING.gossipMs);
    if (this.options.consistency === 'sequential-per-item') {
      ctx.state.home = emptyHome();
      fetchRound(ctx);
    }
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    onClientRequest(ctx, req, requestId, client, this.options.bug);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    switch (msg.type) {
      case 'Sync':
        return onSync(ctx, from, msg.adds, msg.tombs);
      case 'Delta':
        return onDelta(ctx, from, msg.entries, msg.wantAdds, msg.wantTombs, msg.ack, msg.removal);
      case 'Ack':
        return onAck(ctx, msg.adds, msg.tombs);
      case 'Fetch':
        return onFetch(ctx, from, msg.inc);
      case 'Snapshot':
        return onSnapshot(ctx, from, msg.inc, msg.entries, msg.removals);
      default:
        return assertNever(msg);
    }
  }

  /** The one timer, `gossip`: a round of anti-entropy. */
  override onTimer(ctx: Ctx, _tag: Timer): void {
    ctx.setTimer('gossip', TIMING.gossipMs);
    gossipRound(ctx);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
