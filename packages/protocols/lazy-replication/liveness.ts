import { always, type History, type Operation, type Property, type SystemView } from '@faultline/runtime';
import { subject, type Req, type Res } from './messages.ts';
import type { State } from './state.ts';

/** How long a request may go unanswered while some replica is up (the front ends fail over within about two seconds). */
export const ANSWER_WITHIN_MS = 5_000;

interface Cursor {
  next: number;
  /** Operations not yet answered, oldest first. */
  open: Operation<Req, Res>[];
  /** The last moment (simulated ms) at which no replica was up and running; -1: never. */
  allDownMs: number;
}

const cursors = new WeakMap<History<Req, Res>, Cursor>();

function check(view: SystemView<State, Req, Res>): string | true {
  let c = cursors.get(view.history);
  if (c === undefined) cursors.set(view.history, (c = { next: 0, open: [], allDownMs: -1 }));
  if (!view.nodes.some((n) => n.up && !n.paused)) c.allDownMs = view.nowMs;
  for (; c.next < view.history.length; c.next++) c.open.push(view.history[c.next]!);
  let kept = 0;
  for (const op of c.open) {
    if (op.status === 'ok') continue;
    const waited = (op.status === 'timeout' ? (op.completeMs ?? view.nowMs) : view.nowMs) - op.invokeMs;
    // Excused: at some moment while it waited, every replica was down or paused.
    if ((op.status === 'timeout' || waited > ANSWER_WITHIN_MS) && c.allDownMs < op.invokeMs)
      return `${op.client} ${op.id} (${op.req.type} ${subject(op.req)}) ${op.status === 'timeout' ? 'timed out' : 'was still unanswered'} after ${Math.round(waited)} ms although a replica was up the whole time`;
    if (op.status === 'pending') c.open[kept++] = op;
  }
  c.open.length = kept;
  return true;
}

/**
 * Requirement (1) of the course assignment: as long as one back end is available, any
 * front end completes a request. Checked on the client history: no operation times out,
 * or waits longer than `ANSWER_WITHIN_MS`, unless at some moment of its wait no replica
 * was up and running.
 */
export const answered: Property<State, Req, Res> = always<State, Req, Res>(
  'answered',
  `every request is answered within ${ANSWER_WITHIN_MS} ms while some replica is up`,
  check,
);
