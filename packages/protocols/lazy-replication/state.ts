import type { ClientId, Context, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import { paceOver } from '../shared/pace.ts';
import { TIMING, type Bug, type Options, type Pace } from './config.ts';
import type { Msg, Req, Res, Session, Slot, Timer } from './messages.ts';

/** A request a front end has sent to a replica (at most one per client), or a replica is holding. */
export interface Pending {
  readonly client: ClientId;
  readonly requestId: RequestId;
  readonly req: Req;
}

/** A client's front end, at the replica the client talks to: the newest timestamp the client has seen and its request in flight. */
export interface FrontEnd {
  ts: Record<string, number>;
  /**
   * The request in flight: the replica serving it, when it was last sent and how many
   * times, `stale`: the replicas whose knowledge of the client the front end lacked,
   * whether it took the client over from another front end for this request, and whether
   * it did so `informed`, knowing for sure the client's previous answer. `asking`: the
   * replicas asked whether another front end answered the client (see `told`) that have not
   * told yet, and since when it asks; the request goes to its replica once none is left.
   */
  current: (Pending & { server: NodeId; sentMs: number; sends: number; stale: NodeId[]; takeover: boolean; informed: boolean; asking: NodeId[]; askedMs: number }) | null;
  /** The last answered request, so that a client's retry of it is answered again, not re-run. */
  last: { requestId: RequestId; result: Res } | null;
  /** A request this front end is not yet sure it knows the client's session for: since when it has seen it (it looks again at every tick). */
  unsure: (Pending & { sinceMs: number }) | null;
}

/** A request held by a replica until its timestamp dominates the client's. */
export interface Held extends Pending {
  readonly frontEnd: NodeId;
  readonly ts: Record<string, number>;
  /** When it was first held (local clock). */
  readonly sinceMs: number;
  readonly takeover: boolean;
  /** The answer will be stale and `ts` may lack some of what the client has seen (`Serve.blind`). */
  readonly blind: boolean;
}

export interface State {
  readonly self: NodeId;
  readonly bug: Bug | null;
  /** Timings other than `TIMING`, when the options set some (configuration, never changed); read it through `pace`. */
  readonly pace?: Pace;
  /** This incarnation's entry in vector timestamps: `${self}.${random}`, drawn at the first start (Ken keeps it across restarts). */
  id: string;
  /** The replicas it gossips with (bounded). */
  known: NodeId[];
  /** The index in `known` of the replica it gossiped with last. */
  gossipTurn: number;
  /** When each replica was last heard from (local clock): one silent for `TIMING.suspectMs` is taken to have failed. */
  heard: Record<NodeId, number>;
  /** The value timestamp: every update reflected in `store` and `posts`. */
  ts: Record<string, number>;
  store: Record<string, Slot>;
  /** Per user, the user's posts in order (see posts.ts): every post up to `ts`, each text once. */
  posts: Record<string, Slot[]>;
  /** Per client, the newest answered request known here (from this front end or by gossip). */
  sessions: Record<ClientId, Session>;
  /** The front ends of the clients that have talked to this replica. */
  frontEnds: Record<ClientId, FrontEnd>;
  /** Requests waiting until this replica has caught up, oldest first (bounded). */
  held: Held[];
}

export type Ctx = Context<State, Msg, Res, Timer>;

/** This node's timings. */
export function pace(s: State): Pace {
  return s.pace ?? TIMING;
}

export function initialState(node: NodeInfo, options: Options): State {
  const given = paceOver(TIMING, options.pace);
  return {
    self: node.self,
    bug: options.bug ?? null,
    ...(given !== undefined ? { pace: given } : {}),
    id: '',
    known: node.cluster.filter((n) => n !== node.self),
    gossipTurn: 0,
    heard: {},
    ts: {},
    store: {},
    posts: {},
    sessions: {},
    frontEnds: {},
    held: [],
  };
}
