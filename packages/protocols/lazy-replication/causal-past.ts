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

/**
 * Walks the history in time order (invocations before completions at the same moment, then
 * history order) and calls `answered` with every answered get and read, what the history's
 * updates are (`made`, as far as they have been asked for), and what the operation's
 * session had seen before its answer; the first verdict that is not true ends the walk.
 * Returns an inconclusive verdict if an update's value or text is not unique.
 */
export function walkCausalPast(
  history: History<Req, Res>,
  answered: (op: Op, made: ReadonlyMap<string, Made>, seen: SessionView) => string | true,
): string | true {
  const events: { t: number; done: boolean; op: Op }[] = [];
  for (const op of restartSessions(history, restartsSession)) {
    if (op.req.type === 'put' || op.req.type === 'post') events.push({ t: op.invokeMs, done: false, op });
    if (op.status === 'ok' && op.completeMs !== undefined) events.push({ t: op.completeMs, done: true, op });
  }
  events.sort((a, b) => a.t - b.t || Number(a.done) - Number(b.done));
  const made = new Map<string, Made>();
  const sessions = new Map<string, Seen>();
  const seenBy = (client: string) => sessions.get(client) ?? sessions.set(client, new Seen()).get(client)!;
  // A value or text nobody wrote is not taken in: the properties that read it say so.
  const sees = (seen: Seen, update: string) => {
    const m = made.get(update);
    if (m === undefined || seen.has(update)) return;
    for (const q of m.past) seen.add(q);
    seen.add(update);
  };
  for (const { done, op } of events) {
    const req = op.req;
    if (req.type === 'put' || req.type === 'post') {
      const update = req.type === 'put' ? req.value : req.text;
      if (!done) {
        if (made.has(update)) return `inconclusive: ${update} is written or posted twice (the check needs unique values and texts)`;
        const seen = seenBy(op.client);
        const past = op.status === 'ok' ? new Past(seen, seen.list.length) : NOTHING;
        made.set(update, { op, kind: req.type, about: req.type === 'put' ? req.key : req.user, past });
      } else seenBy(op.client).add(update);
      continue;
    }
    const seen = seenBy(op.client);
    const verdict = answered(op, made, seen);
    if (verdict !== true) return verdict;
    if (op.result?.type === 'read-ok') for (const p of op.result.posts) sees(seen, p.value);
    if (op.result?.type === 'get-ok' && op.result.value !== null) sees(seen, op.result.value);
  }
  return true;
}
