import type { ClientId, Context, NodeId, NodeInfo, RequestId } from '@faultline/runtime';
import type { Bug, Options } from './config.ts';
import type { Msg, Req, Res, Session, Slot, Timer } from './messages.ts';

/** A client request waiting until the replica has caught up with what the client has seen. */
export interface Held {
  readonly requestId: RequestId;
  readonly client: ClientId;
  readonly req: Req;
  readonly sinceMs: number;
  reported: boolean;
}

export interface State {
  readonly self: NodeId;
  readonly bug: Bug | null;
  /** This incarnation's entry in vector timestamps: `${self}.${random}`, drawn at every start. */
  id: string;
  /** The replicas it gossips with (bounded). */
  known: NodeId[];
  /** The value timestamp: every update reflected in `store`. */
  ts: Record<string, number>;
  store: Record<string, Slot>;
  /** Per client, its last answered request as far as this replica knows (the stand-in for a client-held timestamp). */
  sessions: Record<ClientId, Session>;
  /** Requests waiting to be answered, oldest first (bounded). */
  held: Held[];
}

export type Ctx = Context<State, Msg, Res, Timer>;

/** Empty, on the first start and after every restart (state is volatile); `id` is drawn in `onStart`. */
export function initialState(node: NodeInfo, options: Options = {}): State {
  return {
    self: node.self,
    bug: options.bug ?? null,
    id: node.self,
    known: node.cluster.filter((n) => n !== node.self),
    ts: {},
    store: {},
    sessions: {},
    held: [],
  };
}
