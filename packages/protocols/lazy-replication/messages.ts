import type { ClientId, NodeId } from '@faultline/runtime';
import type { VectorTime } from './vector-time.ts';

/**
 * Client requests. `seq` is the client's request number (0, 1, 2, ...; retries keep it),
 * which the replica-side session table uses in place of a client-held timestamp (see
 * the service's essay). Values must be unique: the causal check names a write by its value.
 */
export type Req =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly seq: number }
  | { readonly type: 'get'; readonly key: string; readonly seq: number };

export type Res = { readonly type: 'put-ok' } | { readonly type: 'get-ok'; readonly value: string | null };

/** A key's current value: the update that wrote it, with its timestamp and the incarnation that originated it. */
export interface Slot {
  readonly value: string;
  readonly ts: VectorTime;
  /** `weight(ts)`, kept to order writes quickly. */
  readonly weight: number;
  readonly origin: string;
}

/** What a client has seen, as far as the replicas know: its last answered request and the timestamp it was answered at. */
export interface Session {
  readonly seq: number;
  readonly ts: VectorTime;
}

/** A replica's whole state as gossip carries it. */
export interface Snapshot {
  readonly ts: VectorTime;
  readonly store: Readonly<Record<string, Slot>>;
  readonly sessions: Readonly<Record<ClientId, Session>>;
  readonly known: readonly NodeId[];
}

/**
 * Background anti-entropy: the sender's state, merged by the receiver, which from then on
 * gossips with the sender too (that is how a new or restarted replica joins: it gossips
 * its empty state to a replica it knows and is answered with everything).
 */
export type Msg = { readonly type: 'Gossip' } & Snapshot;

export type Timer = 'tick';
