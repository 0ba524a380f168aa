/**
 * Client operations. Reads are answered from the local replica at once. An add or a
 * remove is applied locally, pushed to every peer, and answered once some peer has
 * acknowledged it, so an acknowledged operation is on two replicas and survives any one
 * crash.
 */
import type { ClientId, RequestId } from '@faultline/runtime';
import { LIMITS, type Bug } from './config.ts';
import { pushEntries } from './gossip.ts';
import type { Req, Tag } from './messages.ts';
import { keepRemoval, removalOf, routed } from './sequential.ts';
import { elements, liveTags, resultOf, type Ctx, type Pending } from './state.ts';

export function onClientRequest(ctx: Ctx, req: Req, id: RequestId, client: ClientId, bug: Bug | undefined): void {
  const s = ctx.state;
  // Level sequential-per-item: the element's home serves it.
  if (s.home !== undefined && routed(ctx, req, id, client)) return;
  switch (req.type) {
    case 'get': {
      const present = bug === 'get-ignores-tombstones' ? Object.values(s.adds).includes(req.elem) : liveTags(s, req.elem).length > 0;
      return ctx.reply(id, { type: 'got', present });
    }
    case 'size':
      return ctx.reply(id, { type: 'size', size: elements(s).length });
    case 'iterate':
      return ctx.reply(id, { type: 'elements', elems: elements(s) });
    case 'add':
      if (s.pending.some((p) => p.requestId === id)) return; // a retry: answered when the first copy is acknowledged
      // The tag is the request id, so a retry that reaches another replica adds the same tag again, harmlessly.
      if (s.adds[id] !== undefined) return ctx.reply(id, { type: 'added', tag: id });
      if (s.pending.length >= LIMITS.maxPending) return; // overloaded: the client retries
      s.adds[id] = req.elem;
      return replicate(ctx, { requestId: id, kind: 'add', adds: [id], tombs: [] });
    case 'remove': {
      if (s.pending.some((p) => p.requestId === id)) return;
      const tags = liveTags(s, req.elem);
      if (tags.length === 0) {
        keepRemoval(ctx, { id, tags }); // level sequential-per-item: a late copy, finding a later add, must not remove it
        return ctx.reply(id, { type: 'removed', tags: [] });
      }
      if (bug === 'remove-without-tombstone') {
        for (const t of tags) delete s.adds[t];
        return ctx.reply(id, { type: 'removed', tags });
      }
      if (s.pending.length >= LIMITS.maxPending) return;
      for (const t of tags) s.tombs[t] = true;
      keepRemoval(ctx, { id, tags });
      return replicate(ctx, { requestId: id, kind: 'remove', adds: [], tombs: tags });
    }
  }
}

function replicate(ctx: Ctx, p: Pending): void {
  if (ctx.peers.length === 0) return ctx.reply(p.requestId, resultOf(p));
  ctx.state.pending.push(p as { requestId: RequestId; kind: 'add' | 'remove'; adds: Tag[]; tombs: Tag[] });
  pushEntries(ctx, p.adds, p.tombs, removalOf(ctx.state, p));
}
