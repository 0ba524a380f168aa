/**
 * The history checks of `causal-past.ts` as `always` properties: checked while the run goes
 * on, so a run stops at the answer that breaks one (and its shrunk counterexample ends
 * there) instead of running its quiet time out first; and the whole walk once more when
 * the run is quiescent, as before.
 *
 * While the run goes on, each check walks on from where the last one stopped: the
 * invocations and answers of the history before the view's moment (those at the moment
 * itself wait, so that every event of one moment is walked in the final walk's order). An
 * update answered later than a read is taken to depend on nothing when the read is
 * checked (it had not been answered yet); the final walk knows better. So the check as it
 * goes is weaker than the final one, never stronger: every constraint it sees, the final
 * walk sees too (the past of an update only grows once it is known to have been answered).
 * A violation found on the way is one the whole history has. Sessions are counted as
 * `restartSessions` counts them, in history order: an operation is in the session its
 * client's earlier answers leave it in, one answered at the very moment it is asked for
 * included (with no think time, a stale answer and the next request share a moment).
 *
 * Its memory is keyed on the run's history array, as a property's memory must be
 * (docs/exploration.md, "Properties with memory").
 */
import { always, type History, type Operation, type Property, type SystemView } from '@faultline/runtime';
import { byTime, CausalWalk, walkCausalPast, type Answered, type Past } from './causal-past.ts';
import { restartsSession, type Req, type Res } from './messages.ts';
import type { State } from './state.ts';

type Op = Operation<Req, Res>;

/** An always property that walks the causal past of the history with `answered` (see above). */
export function causalProperty(name: string, description: string, answered: Answered): Property<State, Req, Res> {
  const runs = new WeakMap<History<Req, Res>, OngoingWalk>();
  return always<State, Req, Res>(name, description, (view) => {
    if (view.phase === 'quiescent') return walkCausalPast(view.history, answered);
    let walk = runs.get(view.history);
    if (walk === undefined) runs.set(view.history, (walk = new OngoingWalk(answered)));
    return walk.step(view);
  });
}

/** The walk of one run so far. */
class OngoingWalk {
  private readonly walk: CausalWalk;
  /** Operations of the history walked so far (their invocations). */
  private invoked = 0;
  /** Indices of invoked operations whose answer is not walked yet, with an update's past as it was when it was asked for. */
  private readonly open = new Map<number, Past | undefined>();
  /** Per client, sessions as `restartSessions` counts them, in history order: how far the history has been read for it, its session number, its last answered operation. */
  private readonly clients = new Map<string, { read: number; epoch: number | undefined; last: Op | undefined }>();
  /** Per answered operation read but not yet walked: its session, and whether its answer started that session. */
  private readonly sessions = new Map<number, { readonly client: string; readonly starts: boolean }>();
  private verdict: string | true = true;

  constructor(answered: Answered) {
    this.walk = new CausalWalk(answered);
  }

  step(view: SystemView<State, Req, Res>): string | true {
    if (this.verdict !== true) return this.verdict;
    const history = view.history;
    const events: { t: number; done: boolean; i: number }[] = [];
    // An operation's answer is walked once the view is past it; given up, it is forgotten.
    const answered = (i: number) => {
      const op = history[i]!;
      if (op.status === 'pending' || op.completeMs === undefined || op.completeMs >= view.nowMs) return;
      if (op.status === 'ok') events.push({ t: op.completeMs, done: true, i });
      else this.open.delete(i);
    };
    for (const i of this.open.keys()) answered(i);
    for (; this.invoked < history.length && history[this.invoked]!.invokeMs < view.nowMs; this.invoked++) {
      events.push({ t: history[this.invoked]!.invokeMs, done: false, i: this.invoked });
      this.open.set(this.invoked, undefined);
      answered(this.invoked);
    }
    events.sort((a, b) => byTime(a, b) || a.i - b.i);
    for (const e of events) {
      this.verdict = e.done ? this.answer(history, e.i) : this.invoke(history, e.i);
      if (this.verdict !== true) return this.verdict;
    }
    return true;
  }

  /**
   * Reads `client`'s operations of `history` before index `until` that it has not read yet,
   * in history order, as `restartSessions` does: an answer that starts a session afresh
   * starts it with itself. A client has one operation in flight, so every operation before
   * its newest has an answer or none for good.
   */
  private readUpTo(history: History<Req, Res>, client: string, until: number): void {
    let c = this.clients.get(client);
    if (c === undefined) this.clients.set(client, (c = { read: 0, epoch: undefined, last: undefined }));
    for (; c.read < until; c.read++) {
      const op = history[c.read]!;
      if (op.client === client && op.status === 'pending') break; // read again once it has its answer
      if (op.client !== client || op.status !== 'ok') continue;
      const starts = restartsSession(op, c.last);
      if (starts) c.epoch = (c.epoch ?? 0) + 1;
      c.last = op;
      this.sessions.set(c.read, { client: this.sessionOf(client), starts });
    }
  }

  private sessionOf(client: string): string {
    const n = this.clients.get(client)?.epoch;
    return n === undefined ? client : `${client}~${n}`;
  }

  private invoke(history: History<Req, Res>, i: number): string | true {
    const op = history[i]!;
    if (op.req.type !== 'put' && op.req.type !== 'post') return true;
    // Its session is the one its client's earlier answers leave it in (one answered at this very moment included).
    this.readUpTo(history, op.client, i);
    const client = this.sessionOf(op.client);
    // An update given up before this step is not waited for.
    if (this.open.has(i)) this.open.set(i, this.walk.pastOf(client));
    return this.walk.invoke(client === op.client ? op : { ...op, client });
  }

  private answer(history: History<Req, Res>, i: number): string | true {
    const op = history[i]!;
    const past = this.open.get(i);
    this.open.delete(i);
    this.readUpTo(history, op.client, i + 1);
    const session = this.sessions.get(i)!;
    this.sessions.delete(i);
    const mine = session.client === op.client ? op : { ...op, client: session.client };
    // An update whose answer started its session depended on nothing the old one saw.
    if (past !== undefined) this.walk.settle(mine, session.starts ? undefined : past);
    return this.walk.answer(mine);
  }
}
