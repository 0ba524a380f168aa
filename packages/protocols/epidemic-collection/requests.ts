/**
 * Client operations. Reads are answered from the local replica at once. An update (add,
 * remove, addAll, clear) is applied locally, pushed to every peer, and answered once some
 * peer has acknowledged it, so an acknowledged operation is on two replicas and survives
 * any one crash.
 *
 * `addAll` and `clear` are one operation each, not many: applied in one turn here, pushed
 * in one Delta, acknowledged (and answered) once a peer holds all of its entries, so a
 * crash never leaves half of one acknowledged. They are bounded by `LIMITS.maxDeltaEntries` (a
 * Delta's size) so that one push carries all of it; a larger one is refused. A remote
 * replica usually takes one in one message too, but anti-entropy carries at most
 * `maxDeltaEntries` entries per Delta, so a replica far behind may show part of a batch
 * for a round or two: a batch is atomic in its durability, not a transaction for readers.
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
    case 'addAll':
      return addAll(ctx, req.elems, id);
    case 'clear':
      return removeTags(ctx, id, 'clear', Object.keys(s.adds).filter((t) => s.tombs[t] !== true).sort());
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
      return removeTags(ctx, id, 'remove', tags);
    }
  }
}

/** Tombstones `tags` (a remove's, or a clear's: every present tag) as one operation. */
function removeTags(ctx: Ctx, id: RequestId, kind: 'remove' | 'clear', tags: Tag[]): void {
  const s = ctx.state;
  if (kind === 'clear') {
    if (s.pending.some((p) => p.requestId === id)) return;
    if (tags.length === 0) return ctx.reply(id, { type: 'removed', tags: [] });
    if (tags.length > LIMITS.maxDeltaEntries) return ctx.reply(id, { type: 'error', error: `clear of ${tags.length} entries: at most ${LIMITS.maxDeltaEntries} per operation` });
  }
  if (s.pending.length >= LIMITS.maxPending) return;
  for (const t of tags) s.tombs[t] = true;
  keepRemoval(ctx, { id, tags });
  return replicate(ctx, { requestId: id, kind, adds: [], tombs: tags });
}

/** The tags of an addAll: its request id and the element's index. */
export function batchTag(id: RequestId, index: number): Tag {
  return `${id}/${index}`;
}

function addAll(ctx: Ctx, elems: readonly string[], id: RequestId): void {
  const s = ctx.state;
  if (s.pending.some((p) => p.requestId === id)) return;
  const tags = elems.map((_, i) => batchTag(id, i));
  if (tags.length === 0 || s.adds[tags[0]!] !== undefined) return ctx.reply(id, { type: 'added-all', tags }); // nothing to add, or a retry of one taken
  if (tags.length > LIMITS.maxDeltaEntries) return ctx.reply(id, { type: 'error', error: `addAll of ${tags.length} elements: at most ${LIMITS.maxDeltaEntries} per operation` });
  if (s.pending.length >= LIMITS.maxPending) return;
  elems.forEach((elem, i) => (s.adds[tags[i]!] = elem));
  return replicate(ctx, { requestId: id, kind: 'addAll', adds: tags, tombs: [] });
}

function replicate(ctx: Ctx, p: Pending): void {
  if (ctx.peers.length === 0) return ctx.reply(p.requestId, resultOf(p));
  ctx.state.pending.push(p as { requestId: RequestId; kind: Pending['kind']; adds: Tag[]; tombs: Tag[] });
  pushEntries(ctx, p.adds, p.tombs, removalOf(ctx.state, p));
}
