import type { ClientId, NodeId, RequestId } from '@faultline/runtime';
import type { VectorTime } from './vector-time.ts';

/**
 * Client requests. `seq` is the client's request number (0, 1, 2, ...; retries keep it).
 * Values must be unique: the causal check names a write by its value. Two data types:
 * keys with one value each (`put`, `get`), and the assignment's lists of posts (`post`
 * appends `text` to `user`'s list, `read` returns the list); post texts must be unique too
 * (a list holds each text once, and the order check names a post by its text).
 */
export type Req =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly seq: number }
  | { readonly type: 'get'; readonly key: string; readonly seq: number }
  | { readonly type: 'post'; readonly user: string; readonly text: string; readonly seq: number }
  | { readonly type: 'read'; readonly user: string; readonly seq: number };

/** Whether `req` changes the data (it is applied at the front end's own replica, once). */
export function isUpdate(req: Req): req is Extract<Req, { type: 'put' | 'post' }> {
  return req.type === 'put' || req.type === 'post';
}

/** What `req` is about: its key, or its user's list. */
export function subject(req: Req): string {
  return req.type === 'put' || req.type === 'get' ? req.key : `@${req.user}`;
}

/**
 * `stale`: the answer was given without what these replicas had (they had failed, or the
 * front end that knew what the client had seen had): the client's session starts afresh
 * with this answer, and the session guarantees and the causal check hold from there on.
 */
export type Res =
  | ({ readonly type: 'put-ok' } & Marks)
  | ({ readonly type: 'get-ok'; readonly value: string | null } & Marks)
  | ({ readonly type: 'post-ok' } & Marks)
  /** The user's posts, ordered by vector timestamp (see posts.ts). */
  | ({ readonly type: 'read-ok'; readonly posts: readonly Slot[] } & Marks);

/**
 * `takeover`: the answer was given by a front end that took the client over from another;
 * that one may have answered the client's previous request too without knowing of the
 * takeover, and may answer the client's next request as if the client had seen its answer:
 * the session starts afresh at this answer and again at the client's next one.
 */
export interface Marks {
  readonly stale?: readonly NodeId[];
  readonly takeover?: true;
}

/** Whether the client's session starts afresh at `op`, whose client's previous answered operation is `previous` (see `Res`). */
export function restartsSession(op: { readonly result?: unknown }, previous: { readonly result?: unknown } | undefined): boolean {
  return (op.result as Res | undefined)?.stale !== undefined || (previous?.result as Res | undefined)?.takeover === true;
}

/** The newest answered request of a client known at a replica: its number, what the client had seen then, and the front end that answered. */
export interface Session {
  readonly seq: number;
  readonly ts: VectorTime;
  readonly at: NodeId;
  /**
   * The client may have seen another front end's answer to this request instead: the answer
   * was given by a front end that took the client over or was stale, two front ends are known
   * to have answered it (gossip met both), or it is the client's first. The front end asks
   * every replica before it answers the client's next request as the client's front end.
   */
  readonly uncertain?: true;
}

/** A key's current value, or one post of a list (`value` is its text): the update that wrote it, with its timestamp and the incarnation that originated it. */
export interface Slot {
  readonly value: string;
  readonly ts: VectorTime;
  /** `weight(ts)`, kept to order writes quickly. */
  readonly weight: number;
  readonly origin: string;
  /**
   * A post applied `blind` (`Serve.blind`: by a front end that took the client over without
   * knowing its previous answer for sure), by this client's request `seq`: another front end
   * may have applied it too and the client seen that copy. Listed by no read until its
   * origin makes it firm (see posts.ts).
   */
  readonly tentative?: { readonly client: ClientId; readonly seq: number };
}

export type Msg =
  /**
   * Background anti-entropy: the sender's store and lists of posts, timestamp, the replicas it knows and the
   * clients' sessions it knows, merged by the receiver, which from then on gossips with the
   * sender too (that is how a new replica joins: it gossips its empty state to one replica it knows).
   */
  | {
      readonly type: 'Gossip';
      readonly ts: VectorTime;
      readonly store: Readonly<Record<string, Slot>>;
      readonly posts: Readonly<Record<string, readonly Slot[]>>;
      readonly known: readonly string[];
      readonly sessions: Readonly<Record<ClientId, Session>>;
    }
  /** Front end to replica: serve this request once your timestamp dominates `ts` (the client's). */
  /**
   * `takeover`: the front end took the client over from one that may have applied this put already (see `serve`);
   * `blind`: the answer will be stale, and `ts` may lack some of what the client has seen.
   */
  | { readonly type: 'Serve'; readonly client: ClientId; readonly requestId: RequestId; readonly req: Req; readonly ts: VectorTime; readonly takeover?: true; readonly blind?: true }
  /** Front end to every other replica, before it answers a client whose previous answer another front end may have given: which newest answered request of the client do you know? */
  | { readonly type: 'Ask'; readonly client: ClientId; readonly requestId: RequestId }
  /** The answer to `Ask`: the newest answered request of the client this replica knows. */
  | { readonly type: 'Tell'; readonly client: ClientId; readonly requestId: RequestId; readonly session: Session | null }
  /** Replica to front end: the result, and the replica's timestamp when it answered. */
  | { readonly type: 'Served'; readonly client: ClientId; readonly requestId: RequestId; readonly result: Res; readonly ts: VectorTime };

export type Timer = 'tick';

/** The total order on writes of one key: by timestamp weight (so causal order is kept), then by originating incarnation, then by value. */
export function later(a: Slot, b: Slot): boolean {
  if (a.weight !== b.weight) return a.weight > b.weight;
  if (a.origin !== b.origin) return a.origin > b.origin;
  return a.value > b.value;
}
