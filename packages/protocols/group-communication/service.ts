/**
 * Group communication: membership views, reliable totally ordered multicast, safe delivery
 * and virtual synchrony, in the style of Isis and Spread, with one sequencer per view.
 *
 * A view is a numbered set of node incarnations that can all hear each other. Each node
 * starts in a view of its own (a restarted node is a new incarnation with an empty
 * history, so a new member). Nodes send heartbeats to everyone; a node that has heard a
 * peer within the suspicion timeout counts it as reachable. When the installed view is
 * not what a node sees (a member went silent, a new node or incarnation is heard, or a
 * member reports another view or a view change in progress) for a settling period, the
 * node with the smallest id among those it reaches proposes a new view of exactly those
 * nodes, under an id above every epoch it has heard of. Partitions therefore split the
 * group into one view per side, and a heal merges them again.
 *
 * In a view, the coordinator is also the sequencer. A node that a client asks to
 * multicast a message numbers it (per incarnation) and submits it to the sequencer,
 * resending until it sees it ordered. The sequencer orders each sender's messages in the
 * sender's order (FIFO) and gives every message the next position of the view's single
 * order; members deliver strictly in that order, so every level (reliable, fifo, causal,
 * agreed, safe) is delivered in one total order. A message records how far its sender had
 * delivered when it sent it, so its causal past in the view is known (and checked).
 *
 * Named groups (groups.ts), as in Spread: a client asks its node to join or leave a named
 * group, or to multicast to one or several groups (the sender need not be a member).
 * Joins and leaves are messages of the view's order, so every member applies them to the
 * view's group table at the same point; every node processes every message of the order
 * and delivers a multicast to its application when it is a member of one of its groups
 * at that point. One order per view for all groups gives ordering across groups: a
 * multicast to several groups is delivered in the same relative order, with respect to
 * every other message, at every member of every group it reaches. A view change carries
 * each moving member's memberships (what it reported, plus its own joins and leaves that
 * the flush delivers) into the new view's table, which the Install carries; a crashed
 * node's next incarnation is in no group. Groups cost nothing until joined (a table entry
 * per non-empty group), so a view holds as many as clients create. Members acknowledge the highest position up to which
 * they hold everything; the minimum over the members is the stability point, which the
 * sequencer announces. A safe message is delivered only once it is stable, that is once
 * every member of the view is known to hold it; a message before it waits too, so the
 * order is kept. The sequencer lets at most a bounded number of positions run ahead of
 * stability and retransmits what a member's acknowledgements show it lacks. The node
 * that took the client's request replies once it has delivered the message itself.
 *
 * View changes keep virtual synchrony: members that move together from one view to the
 * next deliver the same messages in the old one. A member that accepts a proposal stops
 * delivering and submitting in its old view (it is blocked) and sends the coordinator a
 * flush report: its old view, how far it delivered, the ordered messages it still holds,
 * and its own undelivered messages. Once every proposed member has reported, the
 * coordinator works out, for each old view represented, the messages the members coming
 * from it deliver: the pooled ordered messages up to the first gap (a gapless prefix that
 * reaches at least as far as any of them delivered), then their own never-ordered
 * messages. The Install carries those plans; each member delivers, in the stream, a
 * transitional configuration notice (the members moving on with it), the plan's
 * messages, and then the new view. A proposal that does not complete in time is
 * abandoned; the next one has a higher epoch, and a node accepts only proposals above
 * the highest it has accepted, so a stale Install is ignored.
 *
 * Guarantees and their scope. Within one view, every member's regular deliveries are a
 * prefix of the sequencer's order; deliveries after a transitional notice agree among
 * the members of that transitional configuration. Safe delivery is checked for regular
 * deliveries: in the transitional configuration a safe message is delivered because
 * every member moving on holds it through the flush (as in extended virtual synchrony),
 * not because the whole old view had it. State is volatile: a crash loses the node's
 * history, and its next incarnation joins as a new member. Buffers are bounded
 * (config.ts): a node with too many undelivered messages queues further requests, then
 * answers `busy`. The delivery stream a node keeps for the properties is a sliding window
 * (`LIMITS.logWindow`; `logBase` counts what slid out), so a node runs for ever in bounded
 * memory: nothing caps how many messages a node may deliver. A multicast names at most
 * `LIMITS.maxGroupsPerMsg` groups; a malformed request is answered `invalid`, with why.
 *
 * Performance. Each multicast costs a Submit to the sequencer and an Ordered to every
 * member; members acknowledge every `LIMITS.ackEvery` positions (at once when a safe
 * message waits), and the sequencer announces stability only when that releases a safe
 * message (members otherwise learn it from the next Ordered or heartbeat). A CPU profile
 * of three real nodes under 48 clients puts most of the time in per-turn runtime work
 * (immer's draft copy and finalize, frame encoding and decoding), not in this protocol's
 * logic, so the number of turns per multicast is what the protocol controls: 14.1
 * simulator events per delivered multicast before the ack batching, 9.6 after.
 *
 * Properties (properties.ts): agreed-order, fifo, causal-order, virtual-synchrony,
 * safe-delivery, no-duplicates, view-agreement (members and groups), group-delivery,
 * group-membership, group-order (across groups), one-view-after-heal and self-delivery
 * (reliable delivery as a sender sees it).
 */
import type { ClientId, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import { Service } from '@faultline/runtime';
import type { Options } from './config.ts';
import { membershipTick, onHeartbeat, sendHeartbeat, startIncarnation } from './membership.ts';
import type { Msg, Req, Res, Timer } from './messages.ts';
import { onAck, onClientRequest, onOrdered, onStable, onSubmit, orderingTick } from './ordering.ts';
import { initialState, pace, type Ctx, type State } from './state.ts';
import { onFlush, onInstall, onInstallAck, onNack, onPropose, proposalTick } from './viewchange.ts';

type Handler<T extends Msg> = (ctx: Ctx, from: NodeId, msg: T) => void;

/** One handler per message type (a missing one is a type error). */
const HANDLERS: { readonly [K in Msg['type']]: Handler<Extract<Msg, { type: K }>> } = {
  Hb: onHeartbeat,
  Submit: onSubmit,
  Ordered: onOrdered,
  Ack: onAck,
  Stable: (ctx, _from, msg) => onStable(ctx, msg),
  Propose: onPropose,
  Nack: (ctx, _from, msg) => onNack(ctx, msg),
  Flush: onFlush,
  Install: onInstall,
  InstallAck: onInstallAck,
};

export class GroupCommunication extends Service<State, Msg, Req, Res, Timer> {
  constructor(private readonly options: Options = {}) {
    super();
  }

  initialState(node: NodeInfo): State {
    return initialState(node, this.options);
  }

  /** A new incarnation: alone in a view of its own, heartbeating at a random phase. */
  override onStart(ctx: Ctx): void {
    startIncarnation(ctx);
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    onClientRequest(ctx, req, requestId, client);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    (HANDLERS[msg.type] as Handler<Msg>)(ctx, from, msg);
  }

  override onTimer(ctx: Ctx, tag: Timer): void {
    switch (tag) {
      case 'tick':
        ctx.setTimer('tick', pace(ctx.state).tickMs);
        proposalTick(ctx);
        orderingTick(ctx);
        return membershipTick(ctx);
      case 'hb':
        ctx.setTimer('hb', pace(ctx.state).heartbeatMs);
        return sendHeartbeat(ctx);
      default:
        return assertNever(tag);
    }
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
