/**
 * # A shared shopping list, a host service over two TempestCollections
 *
 * Every node is a replica. What is still to buy is the `needed` collection, what was
 * bought the `pantry`; both live in this service's state and are replicated for it by
 * `TempestCollection` (the epidemic collection, level eventual). The service itself only
 * says what each request does to them:
 * - `need` adds to `needed`, `recipe` adds all its items (`addAll`, one operation),
 *   `checkout` empties `needed` (`clear`, one operation): answered once the update has a
 *   second copy (`onStable`).
 * - `bought` removes the item from `needed` and adds it to `pantry`: two updates, one per
 *   collection, answered once both have a second copy (the `moves` it waits on, bounded).
 *   They are not atomic together: a reader elsewhere may see one before the other.
 * - `has`, `list` and `pantry` read this replica's view at once (eventual consistency:
 *   stale reads are possible, a replica's own acknowledged removes are respected).
 *
 * Bug `has-reads-pantry`: `has` looks in the wrong collection (the pantry), so a replica
 * that took a `bought` of an item answers that it is still needed. Bugs
 * `collection:<name>` run one of the epidemic collection's own bugs in both collections.
 */
import { Service, type ClientId, type Context, type NodeId, type RequestId } from '@faultline/runtime';
import { TempestCollection, type Bug as CollectionBug, type Settled } from '../epidemic-collection/index.ts';
import type { ListName, Msg, Req, Res, State, Timer } from './messages.ts';

export const COLLECTION_BUG = 'collection:';

/** `bought`s waiting for their second half; past it the oldest is forgotten. */
export const MAX_MOVES = 64;

/** The op id of a bought's remove from `needed` (its add to the pantry has the request id: the pantry tag). */
const MOVE_SUFFIX = '/move';
function moveId(id: RequestId): RequestId {
  return `${id}${MOVE_SUFFIX}`;
}

type Ctx = Context<State, Msg, Res, Timer>;

export class ShoppingList extends Service<State, Msg, Req, Res, Timer> {
  private readonly needed: TempestCollection<State, ListName>;
  private readonly pantry: TempestCollection<State, ListName>;

  constructor(private readonly bug?: string) {
    super();
    const collectionBug = bug?.startsWith(COLLECTION_BUG) ? (bug.slice(COLLECTION_BUG.length) as CollectionBug) : undefined;
    this.needed = new TempestCollection({ name: 'needed', state: (s) => s.needed, bug: collectionBug, onStable: (ctx, id, r) => this.settled(ctx as Ctx, 'needed', id, r) });
    this.pantry = new TempestCollection({ name: 'pantry', state: (s) => s.pantry, bug: collectionBug, onStable: (ctx, id, r) => this.settled(ctx as Ctx, 'pantry', id, r) });
  }

  initialState(): State {
    return { needed: TempestCollection.initialState(), pantry: TempestCollection.initialState(), moves: {} };
  }

  override onStart(ctx: Ctx): void {
    this.needed.start(ctx);
    this.pantry.start(ctx);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    if (!this.needed.onMessage(ctx, from, msg)) this.pantry.onMessage(ctx, from, msg);
  }

  override onTimer(ctx: Ctx, tag: Timer): void {
    if (!this.needed.onTimer(ctx, tag)) this.pantry.onTimer(ctx, tag);
  }

  override onRequest(ctx: Ctx, req: Req, id: RequestId, _client: ClientId): void {
    switch (req.type) {
      case 'need':
        return this.settleNow(ctx, 'needed', id, this.needed.add(ctx, req.item, id));
      case 'recipe':
        return this.settleNow(ctx, 'needed', id, this.needed.addAll(ctx, req.items, id));
      case 'checkout':
        return this.settleNow(ctx, 'needed', id, this.needed.clear(ctx, id));
      case 'bought': {
        const moves = ctx.state.moves;
        if (moves[id] === undefined) {
          // A move whose client gave up (one half was busy every time) is forgotten, oldest first; its halves, if they settle later, are ignored.
          const ids = Object.keys(moves);
          if (ids.length >= MAX_MOVES) delete moves[ids[0]!];
          moves[id] = { removed: null, tag: null };
        }
        this.settleNow(ctx, 'needed', moveId(id), this.needed.remove(ctx, req.item, moveId(id)));
        return this.settleNow(ctx, 'pantry', id, this.pantry.add(ctx, req.item, id));
      }
      case 'has':
        return ctx.reply(id, { type: 'has', present: (this.bug === 'has-reads-pantry' ? this.pantry : this.needed).contains(ctx, req.item) });
      case 'list':
        return ctx.reply(id, { type: 'items', items: this.needed.values(ctx) });
      case 'pantry':
        return ctx.reply(id, { type: 'items', items: this.pantry.values(ctx) });
    }
  }

  /** An update settled in the turn that made it; `pending` ones settle through `onStable`, `busy` ones are retried by the client. */
  private settleNow(ctx: Ctx, list: ListName, id: RequestId, u: ReturnType<TempestCollection<State>['add']>): void {
    if (u.status === 'done') this.settled(ctx, list, id, u.result);
  }

  private settled(ctx: Ctx, list: ListName, id: RequestId, r: Settled): void {
    if (r.type === 'error') return ctx.reply(id, r); // a batch too large: only need, recipe and checkout are batches
    // The pantry only takes a bought's add (under the request id), `needed` a bought's remove under `moveId`.
    const requestId = id.endsWith(MOVE_SUFFIX) ? id.slice(0, -MOVE_SUFFIX.length) : id;
    if (list === 'needed' && requestId === id) {
      if (r.type === 'added') return ctx.reply(id, { type: 'needed', tags: [r.tag] });
      if (r.type === 'added-all') return ctx.reply(id, { type: 'needed', tags: [...r.tags] });
      return ctx.reply(id, { type: 'checked-out', removed: [...r.tags] });
    }
    const move = ctx.state.moves[requestId];
    if (move === undefined) return; // forgotten: the client retries
    if (r.type === 'removed') move.removed = [...r.tags];
    if (r.type === 'added') move.tag = r.tag;
    if (move.removed === null || move.tag === null) return;
    delete ctx.state.moves[requestId];
    ctx.reply(requestId, { type: 'bought', removed: move.removed, tag: move.tag });
  }
}
