/**
 * The order rule of the assignment's lists of posts, checked on the client history: the
 * list a read returns is "ordered by vector timestamp", the posts from one back end in
 * the order it accepted them, and it holds what the reading client has already seen.
 *
 * The causal order is taken from what clients saw, not from the protocol's stamps: a post
 * depends on every post its client had made or read before it, and on what those
 * depended on (transitively). Per client session (a `stale` answer, and the answer after
 * a takeover, start one afresh: `restartsSession`), a read of a user's list must
 *   - return only posts somebody made for that user, each once;
 *   - hold every post of that user the session had made (read your writes) or seen, and
 *     every one a listed post depends on, listed before it (causal order);
 *   - never list a post after one whose vector timestamp is larger (the stamps it reports);
 *   - list the posts one back end accepted in the order it accepted them: a post whose
 *     answer came from the back end (incarnation) that stamped it, before another one it
 *     stamped was even asked for, comes first.
 * A post whose client had no answer (timed out) may have been applied anywhere, stale or
 * not: nothing is taken to depend on it beyond its own text.
 */
import type { Operation, Property } from '@faultline/runtime';
import { causalProperty } from './causal-monitor.ts';
import { walkCausalPast, type Made, type SessionView } from './causal-past.ts';
import type { Req, Res, Slot } from './messages.ts';
import type { State } from './state.ts';
import { dominates } from './vector-time.ts';

type Op = Operation<Req, Res>;

/** The node part of an incarnation id (`n2.8841` -> `n2`). */
const nodeOf = (origin: string) => origin.slice(0, origin.lastIndexOf('.'));

/** Checks every answered read of the history; the first violation found, or true. */
export function checkPosts(history: readonly Op[]): string | true {
  return walkCausalPast(history, checkAnswer);
}

const checkAnswer = (op: Op, made: ReadonlyMap<string, Made>, seen: SessionView): string | true =>
  op.req.type === 'read' && op.result?.type === 'read-ok' ? checkRead(op, op.req.user, op.result.posts, made, seen) : true;

function checkRead(op: Op, user: string, list: readonly Slot[], made: ReadonlyMap<string, Made>, seen: SessionView): string | true {
  const at = `${op.client} ${op.id} read @${user} from ${op.node ?? '?'}`;
  const pos = new Map<string, number>();
  for (const [i, p] of list.entries()) {
    const m = made.get(p.value);
    if (m === undefined || m.kind !== 'post' || m.about !== user) return `${at} and got ${p.value}, which nobody had posted for @${user}`;
    if (pos.has(p.value)) return `${at} and got ${p.value} twice`;
    pos.set(p.value, i);
  }
  for (const text of seen) {
    const m = made.get(text)!;
    if (m.kind === 'post' && m.about === user && !pos.has(text)) {
      const own = m.op.client === op.client && m.op.status === 'ok';
      return `${at} without ${text}, which the client had ${own ? 'posted (read your writes)' : 'already seen, or seen something that depends on it'}`;
    }
  }
  for (const [j, q] of list.entries()) {
    for (const text of made.get(q.value)!.past) {
      const m = made.get(text)!;
      if (m.kind !== 'post' || m.about !== user) continue;
      const i = pos.get(text);
      if (i === undefined) return `${at} and got ${q.value} without ${text}, which it depends on`;
      if (i > j) return `${at} and got ${q.value} before ${text}, which it depends on`;
    }
    for (let i = 0; i < j; i++) {
      const p = list[i]!;
      if (dominates(p.ts, q.ts) && !dominates(q.ts, p.ts))
        return `${at} and got ${p.value} (${JSON.stringify(p.ts)}) before ${q.value} (${JSON.stringify(q.ts)}): not ordered by vector timestamp`;
    }
  }
  return backEndOrder(at, list, made);
}

/** One back end's posts in the order it accepted them (as far as the history shows it: answered by it, one before the other was asked for). */
function backEndOrder(at: string, list: readonly Slot[], made: ReadonlyMap<string, Made>): string | true {
  const latest = new Map<string, Slot>(); // per incarnation, of its posts listed so far the one asked for last
  for (const q of list) {
    const op = made.get(q.value)!.op;
    if (op.status !== 'ok' || op.node !== nodeOf(q.origin)) continue;
    const p = latest.get(q.origin);
    if (p !== undefined && op.completeMs! < made.get(p.value)!.op.invokeMs)
      return `${at} and got ${p.value} before ${q.value}, but ${op.node} accepted ${q.value} first (answered before ${p.value} was asked for)`;
    if (p === undefined || made.get(p.value)!.op.invokeMs < op.invokeMs) latest.set(q.origin, q);
  }
  return true;
}

/** The order rule of the lists of posts (see above), checked as the run goes on and once more when it is quiescent (`causalProperty`). */
export const postsOrdered: Property<State, Req, Res> = causalProperty(
  'posts-ordered',
  "a read returns the user's posts ordered by vector timestamp and causal order, one back end's posts in the order it accepted them, with every post the client had made or seen",
  checkAnswer,
);
