/**
 * Primary-backup (passive) replication of a key-value store.
 *
 * One replica, the primary, receives every client request, puts it in order (an op with a
 * sequence number), applies it and sends it to every other member of its view. It answers
 * the client only once every member has acknowledged the op, so an acknowledged write is
 * on every member of the view. Each member has one Replicate in flight: ops ordered while
 * it is unacknowledged go out, in one batch, as soon as its Ack arrives. Members apply ops
 * strictly in sequence order: duplicates are ignored, anything after a gap waits for the
 * primary's retransmission, which runs on a timer until the member has acknowledged. Reads take the same path: a get is an op
 * too, so a deposed primary that does not know it cannot answer one (its members refuse
 * its ops), and no read sees a write that is not yet on every member. Each client's last
 * result is part of the replicated state (a session), so a retried request is answered,
 * never applied twice, even by a new primary after a failover; a per-client request
 * number lets the primary drop a late copy of an older request.
 *
 * Views are numbered and changed with a ballot, as in Paxos phase 1. The proposer asks
 * for promises; a node promises a ballot only if it is higher than any it has promised
 * (so it accepts at most one view per number), stops acknowledging the old primary, and
 * sends its state. The votes that count are those of the founders, the fixed initial
 * replicas, and a majority of them must promise. Two majorities always share a founder,
 * so a deposed primary cannot commit anything once the new view has formed: a member of
 * its view promised the new ballot and refuses its ops. The proposer adopts the most
 * up-to-date state among the promisers and becomes the new primary; the new view's
 * members are the nodes that promised plus the nodes being admitted, and the primary
 * sends each of them the whole state (StartView) until it has installed it. States are
 * ordered as Raft orders logs: by the view that created their last op, then by length.
 * A primary creates ops only once every member has installed its view, so a view that
 * formed but never became active leaves no ops behind to outrank those of one that did.
 * View numbers are dealt out to founders round-robin, so a number names its primary.
 *
 * Who proposes is deterministic in the common case: when the primary falls silent (or is
 * seen to have restarted), the founder right after it in member order proposes first,
 * the others only after a further stagger. A primary that loses a member removes it the
 * same way, by a view change in which the silent node does not promise. A member that
 * hears its primary, and a primary that hears its members, refuse ballots they do not
 * need, so one node's lost heartbeats do not depose a working primary.
 *
 * Why a fixed set of voters rather than a majority of the previous view: views shrink as
 * replicas fail, and majorities of different views need not intersect (with five nodes,
 * {2,3,4} can form view c from view q while {1,3,5} forms view b from q, and then {2,4}
 * forms a successor of c). Founders never change, so their majorities always intersect.
 * Late joiners are full replicas (every write reaches them before it is acknowledged)
 * but they neither vote nor lead.
 *
 * Membership and recovery. A node starts empty, on its first start and after a crash, and
 * asks to join: it sends Join, with a random incarnation number, to every node it knows.
 * A late joiner knows only its contact, which forwards the Join to the primary and tells
 * the joiner who the primary is. The primary admits joiners with its next view change,
 * whose StartView carries the state; that is how it replicates membership to the others.
 * A restarted node has forgotten its promises, so it neither votes nor acknowledges until
 * it has been readmitted: the view that readmits it was formed by a majority of the other
 * founders, above what they had promised. A restarted founder does answer a Prepare, with
 * an empty promise that is no vote: it counts only once every founder has answered, which
 * lets a cluster in which most founders restarted (a partition can keep them from being
 * readmitted one by one) form a view with the state of those that kept theirs; an
 * acknowledged op is on every member of its view, founders included. The very first view is bootstrapped by the
 * first founder once every other founder has told it that it is empty too.
 *
 * Limits. State is volatile: a write survives only while a replica that has it stays up,
 * and a restarted founder counts as failed until it is readmitted. Five founders keep a
 * majority through one crash plus one recovering node; a cascade that leaves three of
 * five founders empty blocks view changes until every founder is up and answers (and if
 * every founder loses its state, the first founder bootstraps an empty store). A forgotten
 * promise can in principle still be counted by a proposer that collected it before the
 * crash; the ordering of states by the view of their last op keeps a view that formed
 * that way from winning over one that actually served writes, but full safety without
 * stable storage would need the restarted node to rejoin under a new voter identity.
 */
import type { ClientId, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import { Service } from '@faultline/runtime';
import type { Options } from './config.ts';
import type { Msg, Req, Res, Timer } from './messages.ts';
import { joinTick, onBeacon, onJoin, onJoinStatus, onStale, startJoin } from './membership.ts';
import { onAck, onClientRequest, onReplicate, primaryTick } from './replication.ts';
import { initialState, timing, type Ctx, type State } from './state.ts';
import { memberTick, onPrepare, onPromise, onReject, onStartView, proposalTick, startProposal } from './viewchange.ts';

export class PrimaryBackup extends Service<State, Msg, Req, Res, Timer> {
  constructor(private readonly options: Options = {}) {
    super();
  }

  initialState(node: NodeInfo): State {
    return initialState(node, this.options);
  }

  override onStart(ctx: Ctx): void {
    const s = ctx.state;
    s.incarnation = 1 + ctx.randomInt(2 ** 30);
    ctx.setTimer('tick', timing(ctx.state).tickMs);
    startJoin(ctx);
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    onClientRequest(ctx, req, requestId, client);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    switch (msg.type) {
      case 'Join':
        return onJoin(ctx, from, msg);
      case 'JoinStatus':
        return onJoinStatus(ctx, from, msg);
      case 'Prepare':
        return onPrepare(ctx, from, msg);
      case 'Promise':
        return onPromise(ctx, from, msg);
      case 'Reject':
        return onReject(ctx, from, msg);
      case 'StartView':
        return onStartView(ctx, from, msg);
      case 'Replicate':
        return onReplicate(ctx, from, msg);
      case 'Ack':
        return onAck(ctx, from, msg);
      case 'Beacon':
        return onBeacon(ctx, from, msg);
      case 'Stale':
        return onStale(ctx, from, msg);
      default:
        return assertNever(msg);
    }
  }

  override onTimer(ctx: Ctx, tag: Timer): void {
    switch (tag) {
      case 'tick':
        ctx.setTimer('tick', timing(ctx.state).tickMs);
        return this.tick(ctx);
      default:
        return assertNever(tag);
    }
  }

  /** Everything periodic, by role. */
  private tick(ctx: Ctx): void {
    const s = ctx.state;
    if (s.proposal !== null) return proposalTick(ctx);
    switch (s.status) {
      case 'recovering':
      case 'outsider':
        return joinTick(ctx);
      case 'member':
        if (s.primary !== null) {
          const reason = primaryTick(ctx);
          if (reason !== null) startProposal(ctx, reason);
          return;
        }
        return memberTick(ctx);
      default:
        return assertNever(s.status);
    }
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
