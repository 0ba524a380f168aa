import { always, converges, liveStates, type History, type Operation, type Property } from '@faultline/runtime';
import { restartsSession, type Req, type Res } from './messages.ts';
import type { State } from './state.ts';
import { dominates } from './vector-time.ts';
import { answered } from './liveness.ts';
import { postsOrdered } from './posts-property.ts';
import { causalGets } from './causal-gets.ts';

type Op = Operation<Req, Res>;

/**
 * What one client has seen of one key, in its own session: the value it saw last
 * (written or read; null: the initial value) and every value it saw before that one.
 */
interface Seen {
  current: string | null;
  /** Where `current` came from: the client's own put, or a get. */
  by: 'put' | 'get';
  older: Set<string | null>;
}

interface SessionCursor {
  /** The next history entry not yet sorted into `byClient`. */
  next: number;
  /** Per client, its operations in order and how many of them have been walked. */
  readonly byClient: Map<string, { ops: Op[]; done: number }>;
  readonly seen: Map<string, Seen>;
  /** Per client, how many times its session has started afresh (see `restartsSession`), and its last answered operation. */
  readonly epoch: Map<string, number>;
  readonly previous: Map<string, Op>;
  verdict: string | true;
}

const cursors = new WeakMap<History<Req, Res>, { ryw: SessionCursor; mr: SessionCursor }>();
const newCursor = (): SessionCursor => ({ next: 0, byClient: new Map(), seen: new Map(), epoch: new Map(), previous: new Map(), verdict: true });

/**
 * Walks each client's answered operations once, in the client's order (it has one at a
 * time; a pending one is waited for), and finds the first get that returns a value its
 * client had already seen superseded, either by its own put (`put`: read your writes) or
 * by a newer value it read (`get`: monotonic reads). Timed-out operations teach the
 * client nothing. A `stale` answer (given while a replica that had what the client had
 * seen was down), and the answer after a takeover, start the client's session afresh: the
 * guarantees hold from there on (see `restartsSession`).
 */
function scan(history: History<Req, Res>, cursor: SessionCursor, kind: 'put' | 'get'): string | true {
  for (; cursor.next < history.length; cursor.next++) {
    const op = history[cursor.next]!;
    let mine = cursor.byClient.get(op.client);
    if (mine === undefined) cursor.byClient.set(op.client, (mine = { ops: [], done: 0 }));
    mine.ops.push(op);
  }
  for (const mine of cursor.byClient.values()) {
    for (; mine.done < mine.ops.length && cursor.verdict === true; mine.done++) {
      const op = mine.ops[mine.done]!;
      if (op.status === 'pending') break;
      if (op.status === 'ok' && op.result !== undefined) cursor.verdict = step(cursor, op, kind);
    }
  }
  return cursor.verdict;
}

function step(cursor: SessionCursor, op: Op, kind: 'put' | 'get'): string | true {
  if (restartsSession(op, cursor.previous.get(op.client))) cursor.epoch.set(op.client, (cursor.epoch.get(op.client) ?? 0) + 1);
  cursor.previous.set(op.client, op);
  if (op.req.type !== 'put' && op.req.type !== 'get') return true; // the lists of posts: posts-property.ts
  const slot = `${op.client}\u0000${cursor.epoch.get(op.client) ?? 0}\u0000${op.req.key}`;
  let seen = cursor.seen.get(slot);
  if (seen === undefined) cursor.seen.set(slot, (seen = { current: null, by: 'get', older: new Set() }));
  const value = op.req.type === 'put' ? op.req.value : op.result?.type === 'get-ok' ? op.result.value : null;
  if (op.req.type === 'get' && value !== seen.current && seen.older.has(value) && seen.by === kind) {
    const what = kind === 'put' ? 'its own put of' : 'a read of';
    return (
      `${op.client} ${op.id} got ${value ?? 'null'} for key ${op.req.key} from ${op.node ?? '?'}, ` +
      `but the client had already seen that value superseded (${what} ${seen.current ?? 'null'})`
    );
  }
  if (value === seen.current) return true;
  seen.older.add(seen.current);
  seen.current = value;
  seen.by = op.req.type;
  return true;
}

function sessionProperty(name: string, description: string, kind: 'put' | 'get'): Property<State, Req, Res> {
  return always<State, Req, Res>(name, description, (view) => {
    let c = cursors.get(view.history);
    if (c === undefined) {
      c = { ryw: newCursor(), mr: newCursor() };
      cursors.set(view.history, c);
    }
    return scan(view.history, kind === 'put' ? c.ryw : c.mr, kind);
  });
}

/** After a client's put is answered, its gets of that key never return a value it saw before the put. */
export const readYourWrites = sessionProperty(
  'read-your-writes',
  'once a put is answered, the same client never reads that key as it was before the put',
  'put',
);

/** After a client reads a value, its gets of that key never return a value it saw before. */
export const monotonicReads = sessionProperty(
  'monotonic-reads',
  'once a client has read a value, it never reads that key as it was before',
  'get',
);

/**
 * A front end never forgets what its client has seen: at a replica that answered a client
 * last (as far as it knows), the front end's timestamp dominates the one recorded with
 * that answer. (The timestamp only grows by joining answers into it, or starts afresh
 * with a stale answer, which is recorded too.) Checked on the replicas' state, so a
 * front end that loses part of its timestamp is caught when it does, not only in the
 * rare runs where a replica then serves the client from behind it.
 */
export const frontEndsKeepWhatClientsSaw = always<State, Req, Res>(
  'front-ends-keep-what-clients-saw',
  "a front end's timestamp dominates the timestamp of the last answer it gave its client",
  (view) => {
    for (const { id, state: s } of liveStates(view)) {
      for (const client in s.frontEnds) {
        const session = s.sessions[client];
        if (session === undefined || session.at !== s.self || dominates(s.frontEnds[client]!.ts, session.ts)) continue;
        return `${id}'s front end of ${client} has timestamp ${JSON.stringify(s.frontEnds[client]!.ts)}, which lacks part of ${JSON.stringify(session.ts)}, what it recorded with its answer to request ${session.seq}`;
      }
    }
    return true;
  },
);

/** Once faults have healed and gossip has gone round, every up replica has the same timestamp and store. */
export const convergesAfterHeal = converges<State, Req, Res>(
  'converges',
  'after healing, every up replica has the same vector timestamp, the same store and the same lists of posts',
  (s) => ({ ts: s.ts, store: s.store, posts: s.posts }),
);

export const properties: readonly Property<State, Req, Res>[] = [readYourWrites, monotonicReads, postsOrdered, causalGets, frontEndsKeepWhatClientsSaw, convergesAfterHeal, answered];
