/**
 * The strong side: `in` and `inp` run only at the partition's sequencer, in the order it
 * receives them; every take is an entry of the partition's log and is answered once a
 * majority holds it (replication.ts). A blocked `in` waits at the sequencer and is
 * served, oldest first, as soon as a matching tuple arrives there.
 */
import type { RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import type { TupleId } from './messages.ts';
import { append, isLeader } from './replication.ts';
import { firstMatch, pendingTakes, type Ctx } from './state.ts';
import { copy, type Template } from './tuples.ts';

export function onTake(ctx: Ctx, id: RequestId, template: Template, blocking: boolean): void {
  const s = ctx.state;
  const at = s.log.findIndex((e) => e.kind === 'take' && e.by === id);
  if (at >= 0) {
    // A retry: answered now if committed, else when it commits.
    const e = s.log[at]!;
    const tuple = e.kind === 'take' ? s.tuples[e.id] : undefined;
    if (at < s.commit && e.kind === 'take' && tuple !== undefined) ctx.reply(id, { type: 'tuple', id: e.id, tuple: copy(tuple) });
    return;
  }
  if (s.blocked.some((w) => w.requestId === id)) return;
  const match = firstMatch(s, template, pendingTakes(s));
  if (match !== undefined) return take(ctx, id, match);
  if (!blocking) return ctx.reply(id, { type: 'none' });
  if (s.blocked.length < LIMITS.maxBlocked) s.blocked.push({ requestId: id, template: [...template] });
}

/** The bug `in-without-global-order`: a replica takes from its own copy, alone, and answers at once. */
export function takeAlone(ctx: Ctx, id: RequestId, template: Template, blocking: boolean): void {
  const s = ctx.state;
  const match = firstMatch(s, template);
  if (match === undefined) return blocking ? undefined : ctx.reply(id, { type: 'none' });
  s.taken[match] = id;
  ctx.reply(id, { type: 'tuple', id: match, tuple: copy(s.tuples[match]!) });
}

/** At the sequencer: serves blocked `in`s, oldest first, from the tuples present now. */
export function serveBlocked(ctx: Ctx): void {
  const s = ctx.state;
  if (!isLeader(ctx)) return;
  for (let i = 0; i < s.blocked.length; ) {
    const w = s.blocked[i]!;
    const match = firstMatch(s, w.template, pendingTakes(s));
    if (match === undefined) {
      i++;
      continue;
    }
    const by = w.requestId;
    s.blocked.splice(i, 1);
    take(ctx, by, match);
  }
}

/** Appends "`by` took `id`" to the log; the answer goes out when it commits. */
function take(ctx: Ctx, by: RequestId, id: TupleId): void {
  append(ctx, { kind: 'take', view: ctx.state.view, by, id });
}
