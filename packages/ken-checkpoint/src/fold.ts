import type { Effect, NodeId, RequestId } from '@faultline/runtime';
import { KenOutboxFullError, KenUsageError } from './errors.ts';
import type { KenEdit } from './ken-edit.ts';
import { checkKey } from './ken-state.ts';
import type { KenOutput } from './outputs.ts';
import type { RequestNote } from './request-cache.ts';

export const KEN_TIMER_PREFIX = 'ken:';

export interface HeldSend {
  readonly to: NodeId;
  readonly seq: number;
  readonly msg: unknown;
}

export type HeldAnswer =
  | { readonly kind: 'reply'; readonly requestId: RequestId; readonly result: unknown }
  | { readonly kind: 'redirect'; readonly requestId: RequestId; readonly to: NodeId };

/** A turn's effects, sorted: what must wait for its record, and what may go at once. */
export interface Folded {
  readonly sends: HeldSend[];
  readonly answers: HeldAnswer[];
  readonly local: KenOutput[];
  /** Changes to the request cache, in order: applied once the turn is recorded. */
  readonly notes: RequestNote[];
}

export interface FoldContext {
  readonly self: NodeId;
  readonly nowMs: number;
  readonly outboxMaxPerPeer: number;
}

/**
 * Folds an app turn's effects into this turn's KenState edit: a send takes the next sequence
 * number and joins the outbox; timers are kept with their deadlines; replies and
 * redirects become request-cache notes. Throws (voiding the turn) on a full outbox or an
 * app timer tag in Ken's namespace.
 */
export function foldEffects(d: KenEdit<unknown>, effects: readonly Effect[], ctx: FoldContext): Folded {
  const folded: Folded = { sends: [], answers: [], local: [], notes: [] };
  for (const e of effects) {
    switch (e.kind) {
      case 'send': {
        checkKey('node id', e.to);
        if ((d.channel(e.to)?.unacked.length ?? 0) >= ctx.outboxMaxPerPeer) throw new KenOutboxFullError(ctx.self, e.to, ctx.outboxMaxPerPeer);
        const seq = d.send(e.to, e.msg);
        folded.sends.push({ to: e.to, seq, msg: e.msg });
        break;
      }
      case 'setTimer':
        checkAppTag(e.tag);
        d.setTimer(e.tag, ctx.nowMs + e.delayMs);
        folded.local.push(e);
        break;
      case 'cancelTimer':
        checkAppTag(e.tag);
        d.clearTimer(e.tag);
        folded.local.push(e);
        break;
      case 'reply':
        checkKey('request id', e.requestId);
        folded.notes.push([e.requestId, { result: e.result }]);
        folded.answers.push(e);
        break;
      case 'redirect':
        checkKey('request id', e.requestId);
        folded.notes.push([e.requestId, { redirect: e.to }]);
        folded.answers.push(e);
        break;
      case 'log':
        folded.local.push(e);
        break;
    }
  }
  return folded;
}

function checkAppTag(tag: string): void {
  checkKey('timer tag', tag);
  if (tag.startsWith(KEN_TIMER_PREFIX)) {
    throw new KenUsageError(`timer tag '${tag}': tags starting with '${KEN_TIMER_PREFIX}' belong to the Ken layer`);
  }
}
