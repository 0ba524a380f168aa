import type { ClientId, Context, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import { PACE, type Bug, type Options, type Pace } from './config.ts';
import { paceOver } from '../shared/pace.ts';
import type { Entry, Msg, Req, Res, Snapshot, Timer } from './messages.ts';

export type Role = 'follower' | 'candidate' | 'leader';

/** A client's last applied request (by its `seq`) and what it returned. */
export interface Session {
  readonly seq: number;
  readonly result: Res;
}

/** What only a leader keeps, per follower. */
export interface LeaderRole {
  /** The next entry to send. */
  nextIndex: Record<NodeId, number>;
  /** The highest entry known to be on the follower (0: none). */
  matchIndex: Record<NodeId, number>;
}

/** A client request this node has taken on: at `index` in the log, or 0 while it waits for a leader. */
export interface PendingRequest {
  readonly client: ClientId;
  readonly index: number;
  readonly req: Req;
}

export interface State {
  readonly self: NodeId;
  readonly cluster: readonly NodeId[];
  /** The seeded bug this node runs with, if any (configuration, never changed). */
  readonly bug: Bug | null;
  /** Pace settings other than `PACE`, when the options set some (configuration, never changed); read it through `pace`. */
  readonly pace?: Pace;

  // Raft's persistent state. Under Ken every field here survives a crash; these three must.
  currentTerm: number;
  votedFor: NodeId | null;
  /** The entries after the snapshot's (see log.ts). */
  log: Entry[];
  /** The committed prefix replaced by the state machine it leads to (null: none yet). */
  snapshot: Snapshot | null;

  role: Role;
  /** The leader of `currentTerm`, once heard from. */
  leaderId: NodeId | null;
  /** The highest index known to be committed. */
  commitIndex: number;
  /** The highest index applied to `kv`. */
  lastApplied: number;
  /** Candidate only: who voted for it in `currentTerm` (itself included). */
  votes: NodeId[];
  leader: LeaderRole | null;

  /** The state machine: the key-value store and the client sessions. */
  kv: Record<string, string>;
  sessions: Record<ClientId, Session>;
  /** Requests this node will answer (as leader) or forward (once it knows the leader). */
  pending: Record<RequestId, PendingRequest>;
}

export type Ctx = Context<State, Msg, Res, Timer>;

/** This node's pace. */
export function pace(s: State): Pace {
  return s.pace ?? PACE;
}

export function initialState(node: NodeInfo, options: Options = {}): State {
  const given = paceOver(PACE, options.pace);
  return {
    self: node.self,
    cluster: node.cluster,
    bug: options.bug ?? null,
    ...(given !== undefined ? { pace: given } : {}),
    currentTerm: 0,
    votedFor: null,
    log: [],
    snapshot: null,
    role: 'follower',
    leaderId: null,
    commitIndex: 0,
    lastApplied: 0,
    votes: [],
    leader: null,
    kv: {},
    sessions: {},
    pending: {},
  };
}
