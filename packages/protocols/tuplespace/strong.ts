/**
 * The strong side: `in` and `inp` run only at the partition's sequencer, in the order it
 * receives them, and every take is an entry of its ordered log. A blocked `in` waits at
 * the sequencer and is served, oldest first, as soon as a matching tuple arrives there.
 */
import type { RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { TupleId } from './messages.ts';
import { firstMatch, type Ctx } from './state.ts';
import { copy, type Template } from './tuples.ts';

export function onTake(ctx: Ctx, id: RequestId, template: Template, blocking: boolean): void {
  const s = ctx.state;
  const done = s.log.find((t) => t.by === id);
  if (done !== undefined) {
    // A retry. A sequencer holds every tuple it took; only a replica serving takes itself
    // (the bug) can have a log entry, from another taker, for a tuple it never received.
    const tuple = s.tuples[done.id];
    if (tuple !== undefined) ctx.reply(id, { type: 'tuple', id: done.id, tuple: copy(tuple) });
    return;
  }
  if (s.blocked.some((w) => w.requestId === id)) return;
  const match = firstMatch(s, template);
  if (match !== undefined) return take(ctx, id, match);
  if (!blocking) return ctx.reply(id, { type: 'none' });
  if (s.blocked.length < LIMITS.maxBlocked) s.blocked.push({ requestId: id, template: [...template] });
}

/** Serves blocked `in`s, oldest first, from the tuples present now. */
export function serveBlocked(ctx: Ctx): void {
  const s = ctx.state;
  for (let i = 0; i < s.blocked.length; ) {
    const w = s.blocked[i]!;
    const match = firstMatch(s, w.template);
    if (match === undefined) {
      i++;
      continue;
    }
    const by = w.requestId;
    s.blocked.splice(i, 1);
    take(ctx, by, match);
  }
}

/** Appends a take to the log, sends it to the group and answers the taker. */
function take(ctx: Ctx, by: RequestId, id: TupleId): void {
  const s = ctx.state;
  const from = s.log.length;
  s.log.push({ by, id });
  s.taken[id] = by;
  ctx.broadcast({ type: 'Log', from, takes: [{ by, id }] }, s.group);
  ctx.reply(by, { type: 'tuple', id, tuple: copy(s.tuples[id]!) });
}
