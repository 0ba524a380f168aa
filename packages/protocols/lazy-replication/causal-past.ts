/**
 * The causal past of every answered operation of a lazy-replication history, across both
 * of its data types: the keys (`put`, `get`) and the lists of posts (`post`, `read`).
 *
 * It is taken from what clients saw, not from the protocol's stamps. An update (a put's
 * value, a post's text: both unique in a run) depends on everything its client had made
 * or seen before it was asked for, transitively. A client has seen its own answered
 * updates, every value its gets returned and every post its reads listed, and everything
 * those depend on. Per client session: a `stale` answer, and the answer after a takeover,
 * start one afresh (`restartsSession`). An update whose client had no answer (timed out)
 * may have been applied anywhere, stale or not: it is taken to depend on nothing.
 *
 * Pasts are kept as prefixes of a session's list of what it has seen (it only grows), so
 * a past costs no copy.
 */
import { restartSessions, type History, type Operation } from '@faultline/runtime';
import { restartsSession, type Req, type Res } from './messages.ts';

type Op = Operation<Req, Res>;

/** What one session has seen, in the order it saw it. */
class Seen {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  has(update: string): boolean {
    return this.index.has(update);
  }

  add(update: string): void {
    if (this.index.has(update)) return;
    this.index.set(update, this.list.length);
    this.list.push(update);
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.list.values();
  }

  /** Whether `update` was among the first `length` things seen. */
  within(update: string, length: number): boolean {
    const i = this.index.get(update);
    return i !== undefined && i < length;
  }
}

/** The updates an update depends on: the first `length` of what its session had seen when it was asked for. */
export class Past {
  constructor(private readonly seen: Seen | null, private readonly length: number) {}

  has(update: string): boolean {
    return this.seen !== null && this.seen.within(update, this.length);
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.length; i++) yield this.seen!.list[i]!;
  }
}

const NOTHING = new Past(null, 0);

/** An update of the history: the operation that made it, what it is about, and what it depends on. */
export interface Made {
  readonly op: Op;
  readonly kind: 'put' | 'post';
  /** The key of a put, the user of a post. */
  readonly about: string;
  readonly past: Past;
}

/** What a session has seen when one of its reads or gets is answered (it includes the pasts of what it saw): updates of the history only. */
export interface SessionView {
  has(update: string): boolean;
  [Symbol.iterator](): Iterator<string>;
}

/** What a walk checks at every answered get and read. */
export type Answered = (op: Op, made: ReadonlyMap<string, Made>, seen: SessionView) => string | true;

/**
 * A walk over a history in time order: the updates asked for so far (`made`) and what
 * each session has seen. An operation's `client` names its session (`restartSessions`).
 */
export class CausalWalk {
  readonly made = new Map<string, Made>();
  private readonly sessions = new Map<string, Seen>();

  constructor(private readonly answered: Answered) {}

  /** What `session` has seen so far: the past of an update it asks for now. */
  pastOf(session: string): Past {
    const seen = this.seenBy(session);
    return new Past(seen, seen.list.length);
  }

  /** Update `op` (a put or a post) asked for, depending on `past` (none: it may have been applied anywhere); inconclusive if its value or text is not unique. */
  invoke(op: Op, past: Past = NOTHING): string | true {
    const req = op.req;
    if (req.type !== 'put' && req.type !== 'post') return true;
    const update = req.type === 'put' ? req.value : req.text;
    if (this.made.has(update)) return `inconclusive: ${update} is written or posted twice (the check needs unique values and texts)`;
    this.made.set(update, { op, kind: req.type, about: req.type === 'put' ? req.key : req.user, past });
    return true;
  }

  /** An update asked for earlier now known answered (`op`, as answered), with what it depends on (none: it may have been applied anywhere). */
  settle(op: Op, past: Past = NOTHING): void {
    const req = op.req;
    const update = req.type === 'put' ? req.value : req.type === 'post' ? req.text : undefined;
    const m = update === undefined ? undefined : this.made.get(update);
    if (m !== undefined && m.op.id === op.id) this.made.set(update!, { ...m, op, past });
  }

  /** `op` answered: its session sees an update it made; a get or read is checked (the walk's `answered`) and its session sees what it returned. */
  answer(op: Op): string | true {
    const req = op.req;
    const seen = this.seenBy(op.client);
    if (req.type === 'put' || req.type === 'post') {
      seen.add(req.type === 'put' ? req.value : req.text);
      return true;
    }
    const verdict = this.answered(op, this.made, seen);
    if (verdict !== true) return verdict;
    if (op.result?.type === 'read-ok') for (const p of op.result.posts) this.sees(seen, p.value);
    if (op.result?.type === 'get-ok' && op.result.value !== null) this.sees(seen, op.result.value);
    return true;
  }

  private seenBy(session: string): Seen {
    let seen = this.sessions.get(session);
    if (seen === undefined) this.sessions.set(session, (seen = new Seen()));
    return seen;
  }

  // A value or text nobody wrote is not taken in: the properties that read it say so.
  private sees(seen: Seen, update: string): void {
    const m = this.made.get(update);
    if (m === undefined || seen.has(update)) return;
    for (const q of m.past) seen.add(q);
    seen.add(update);
  }
}

/** The order of a walk: invocations before completions at the same moment, then history order. */
export function byTime(a: { t: number; done: boolean }, b: { t: number; done: boolean }): number {
  return a.t - b.t || Number(a.done) - Number(b.done);
}

/**
 * Walks the history in time order (invocations before completions at the same moment, then
 * history order) and calls `answered` with every answered get and read, what the history's
 * updates are (`made`, as far as they have been asked for), and what the operation's
 * session had seen before its answer; the first verdict that is not true ends the walk.
 * Returns an inconclusive verdict if an update's value or text is not unique.
 */
export function walkCausalPast(history: History<Req, Res>, answered: Answered): string | true {
  const events: { t: number; done: boolean; op: Op }[] = [];
  for (const op of restartSessions(history, restartsSession)) {
    if (op.req.type === 'put' || op.req.type === 'post') events.push({ t: op.invokeMs, done: false, op });
    if (op.status === 'ok' && op.completeMs !== undefined) events.push({ t: op.completeMs, done: true, op });
  }
  events.sort(byTime);
  const walk = new CausalWalk(answered);
  for (const { done, op } of events) {
    const verdict = done ? walk.answer(op) : walk.invoke(op, op.status === 'ok' ? walk.pastOf(op.client) : undefined);
    if (verdict !== true) return verdict;
  }
  return true;
}
