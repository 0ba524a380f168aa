/**
 * Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm").
 *
 * A replicated log, and on it a key-value store. Time is cut into numbered terms, each
 * with at most one leader. Every node starts as a follower; a follower that hears nothing
 * from a leader for a randomized election timeout becomes a candidate: it moves to the
 * next term, votes for itself and asks the others. A node votes at most once per term, so
 * two candidates cannot both collect a majority in the same term (election safety). A
 * message from a newer term makes any node adopt that term and follow; one from an older
 * term is refused, which is how a deposed leader learns its fate.
 *
 * The leader alone appends entries (client requests, tagged with its term) and sends each
 * follower what it lacks in AppendEntries, naming the entry just before them (index and
 * term). A follower accepts only if its own log has that entry, cutting off anything that
 * conflicts after it; otherwise it refuses, and the leader walks back (a whole term at a
 * time) until the logs agree. Because a leader creates at most one entry per index in its
 * term and every append is checked against its predecessor, two logs holding an entry
 * with the same index and term agree on everything up to it (log matching).
 *
 * An entry is committed once it can never be lost; committed entries are applied to the
 * store in index order, by every node, so all apply the same command at the same index
 * (state machine safety). The leader counts an entry committed when a majority stores it
 * and it is of the leader's own term; entries of earlier terms are committed only along
 * with it. Counting replicas of an older entry is not enough (Figure 8 of the paper): a
 * node holding a conflicting entry of a later term can still win an election with votes
 * from nodes that store the older entry but nothing newer. What makes the rule sound is
 * the election restriction: a node votes only for a candidate whose log is at least as
 * up-to-date as its own (last term higher, or equal and at least as long). A committed
 * entry is on a majority, a winner needs a majority, the two share a voter, and so every
 * leader of a later term holds every committed entry (leader completeness). A new leader
 * appends a no-op of its term at once, so that it commits (and learns) everything before
 * it without waiting for a client.
 *
 * Clients. Requests go through the log, reads included: a get is an entry like a put, and
 * is answered only when it is applied, so a deposed leader that has not yet noticed
 * cannot answer one from a stale store. Each request carries the client's id and its own
 * sequence number; the store keeps each client's last applied number and result (its
 * session), so a request appended twice (a retry to a new leader, say) is applied once
 * and both copies are answered alike. A node that is not the leader redirects the client
 * to the leader it knows, or holds the request until one is known; a leader that steps
 * down hands the requests it holds to its successor the same way.
 *
 * Persistence and limits. Raft needs currentTerm, votedFor and the log to survive a crash
 * (a node that forgot its vote could vote twice in a term). Here the whole state is made
 * durable by Ken: the definition sets `ken: true`, every turn is checkpointed before its
 * messages leave, and a restarted node is a slow node. Without Ken a crash would lose the
 * term, vote and log, which Raft does not tolerate. The log is compacted (snapshot.ts):
 * each node replaces its applied entries by a snapshot of the state machine every
 * `LIMITS.snapshotEvery` entries, and a leader sends a follower that lacks compacted
 * entries its snapshot (InstallSnapshot), so the log stays bounded however long it runs. Membership
 * is fixed. An AppendEntries carries entries of one term only, so a new leader's older
 * entries reach a follower (and perhaps a majority) before its own do: the Figure 8
 * situation comes up as often as a network allows, and the commit rule is exercised.
 */
import type { ClientId, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import { Service } from '@faultline/runtime';
import type { Options } from './config.ts';
import { onElectionTimeout, onRequestVote, onVote } from './election.ts';
import type { Msg, Req, Res, Timer } from './messages.ts';
import { heartbeat, onAppendEntries, onAppendResult } from './replication.ts';
import { onClientRequest } from './requests.ts';
import { resetElectionTimer } from './roles.ts';
import { onInstallSnapshot } from './snapshot.ts';
import { initialState, type Ctx, type State } from './state.ts';

export class Raft extends Service<State, Msg, Req, Res, Timer> {
  constructor(private readonly options: Options = {}) {
    super();
  }

  initialState(node: NodeInfo): State {
    return initialState(node, this.options);
  }

  override onStart(ctx: Ctx): void {
    resetElectionTimer(ctx);
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    onClientRequest(ctx, req, requestId, client);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    switch (msg.type) {
      case 'RequestVote':
        return onRequestVote(ctx, from, msg);
      case 'Vote':
        return onVote(ctx, from, msg);
      case 'AppendEntries':
        return onAppendEntries(ctx, from, msg);
      case 'AppendResult':
        return onAppendResult(ctx, from, msg);
      case 'InstallSnapshot':
        return onInstallSnapshot(ctx, from, msg);
      default:
        return assertNever(msg);
    }
  }

  override onTimer(ctx: Ctx, tag: Timer): void {
    switch (tag) {
      case 'election':
        return onElectionTimeout(ctx);
      case 'heartbeat':
        if (ctx.state.role === 'leader') heartbeat(ctx);
        return;
      default:
        return assertNever(tag);
    }
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
