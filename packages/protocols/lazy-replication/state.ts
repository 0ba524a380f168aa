import type { ClientId, Context, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import type { Bug, Options } from './config.ts';
import type { Msg, Req, Res, Slot, Timer } from './messages.ts';

/** A request a front end has sent to a replica (at most one per client), or a replica is holding. */
export interface Pending {
  readonly client: ClientId;
  readonly requestId: RequestId;
  readonly req: Req;
}

/** A client's front end, kept at its home replica: the newest timestamp the client has seen and its request in flight. */
export interface FrontEnd {
  ts: Record<string, number>;
  /** The request in flight: the replica serving it, when it was last sent and how many times. */
  current: (Pending & { server: NodeId; sentMs: number; sends: number }) | null;
  /** The last answered request, so that a client's retry of it is answered again, not re-run. */
  last: { requestId: RequestId; result: Res } | null;
  /** The first time a request waited longer than `TIMING.reportHeldMs`; reported once. */
  reported: boolean;
}

/** A request held by a replica until its timestamp dominates the client's. */
export interface Held extends Pending {
  readonly frontEnd: NodeId;
  readonly ts: Record<string, number>;
}

export interface State {
  readonly self: NodeId;
  readonly bug: Bug | null;
  readonly founders: readonly NodeId[];
  /** This incarnation's entry in vector timestamps: `${self}.${random}`, drawn at the first start (Ken keeps it across restarts). */
  id: string;
  /** The replicas it gossips with (bounded). */
  known: NodeId[];
  /** The index in `known` of the replica it gossiped with last. */
  gossipTurn: number;
  /** The value timestamp: every update reflected in `store`. */
  ts: Record<string, number>;
  store: Record<string, Slot>;
  /** The front ends of the clients whose home this replica is. */
  frontEnds: Record<ClientId, FrontEnd>;
  /** Requests waiting until this replica has caught up, oldest first (bounded). */
  held: Held[];
}

export type Ctx = Context<State, Msg, Res, Timer>;

export function initialState(node: NodeInfo, options: Options & { founders: readonly NodeId[] }): State {
  return {
    self: node.self,
    bug: options.bug ?? null,
    founders: options.founders,
    id: '',
    known: node.cluster.filter((n) => n !== node.self),
    gossipTurn: 0,
    ts: {},
    store: {},
    frontEnds: {},
    held: [],
  };
}
