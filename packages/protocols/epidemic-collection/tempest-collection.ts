/**
 * # TempestCollection: the epidemic collection as a storage type a service embeds
 *
 * Tempest's services keep their state in replicated collections. A `TempestCollection`
 * is that: a host service keeps the collection's state (`TempestCollection.initialState()`)
 * in its own state, calls `add`, `remove`, `contains`, `size`, `values`, `clear` and
 * `addAll` from its handlers, and hands the collection its messages and its timer
 * (`onMessage`, `onTimer` return true for what is the collection's). Replication is
 * `EpidemicCollection` itself, level eventual, run over a context scoped to the host's
 * slice: the same anti-entropy, tombstones, second-copy acknowledgements and bounds as the
 * standalone protocol, no second copy of them. Its messages travel wrapped as
 * `{ type: 'tempest', collection: <name>, msg }` and its timer is `tempest:<name>`, so a
 * host may embed several collections. The state is part of the host's, so whatever
 * persists the host (Ken checkpoints the whole node state per turn) persists it too.
 *
 * Guarantees (the standalone protocol's, see service.ts):
 * - Reads (`contains`, `size`, `values`) are local and synchronous: this replica's view,
 *   eventually consistent. It includes this replica's own updates at once (read your own
 *   writes on one replica) and never shows an add this replica saw removed again.
 * - Updates are applied to the local view at once; `add`/`remove`/`addAll`/`clear` return
 *   `done` (already settled: an add already known, a remove of an absent element, a
 *   single replica), `pending` (settled later: the host's `onStable` gets the result once
 *   a second replica holds it, so it survives any one crash), `busy` (not taken: too
 *   many pending, retry) or `done` with an `error` result (a batch over
 *   `LIMITS.maxDeltaEntries`).
 * - `opId` names the update across the cluster and across retries: the add's tag is the
 *   opId (an addAll's are `<opId>/<index>`), so retrying with the same opId, on this
 *   replica or another, is the same update. Use the client's request id.
 * - Observed-remove semantics: `remove` and `clear` remove the adds this replica sees; a
 *   concurrent add elsewhere survives (add wins). `clear` and `addAll` are one operation
 *   each (requests.ts says why and where that stops).
 */
import type { Context, NodeId, RequestId } from '@faultline/runtime';
import type { Bug } from './config.ts';
import type { Msg, Req, Res } from './messages.ts';
import { EpidemicCollection } from './service.ts';
import { initialState, type Ctx, type State } from './state.ts';

export type CollectionMsg<N extends string = string> = { readonly type: 'tempest'; readonly collection: N; readonly msg: Msg };
export type CollectionTimer<N extends string = string> = `tempest:${N}`;
/** The host's context, as far as the collection uses it. */
export type HostContext<H, N extends string = string> = Context<H, CollectionMsg<N>, unknown, CollectionTimer<N>>;

/** What an update settles with: its tags, or why it was refused. */
export type Settled = Extract<Res, { type: 'added' | 'added-all' | 'removed' | 'error' }>;

export type Update = { readonly status: 'done'; readonly result: Settled } | { readonly status: 'pending' } | { readonly status: 'busy' };

export interface TempestCollectionOptions<H, N extends string> {
  /** Names the collection's messages and timer; unique within the host. */
  readonly name: N;
  /** Where the collection's state is in the host's state. */
  readonly state: (host: H) => State;
  /** An update that returned `pending` now has a second copy (called in the turn that learns it). */
  readonly onStable: (ctx: HostContext<H, N>, opId: RequestId, result: Settled) => void;
  /** One of the standalone protocol's bugs, run in the embedded collection. */
  readonly bug?: Bug;
}

export class TempestCollection<H, N extends string = string> {
  private readonly replication: EpidemicCollection;
  private readonly timer: CollectionTimer<N>;

  constructor(private readonly options: TempestCollectionOptions<H, N>) {
    this.replication = new EpidemicCollection({ bug: options.bug, consistency: 'eventual' });
    this.timer = `tempest:${options.name}`;
  }

  /** The state a host keeps for the collection (empty). */
  static initialState(): State {
    return initialState();
  }

  /** Call from the host's `onStart`: starts gossiping. */
  start(ctx: HostContext<H, N>): void {
    this.replication.onStart(this.scoped(ctx, this.toHost(ctx)));
  }

  /** Call from the host's `onMessage`: true if `msg` was the collection's (and is handled). */
  onMessage(ctx: HostContext<H, N>, from: NodeId, msg: unknown): boolean {
    if (!this.owns(msg)) return false;
    this.replication.onMessage(this.scoped(ctx, this.toHost(ctx)), from, msg.msg);
    return true;
  }

  /** Call from the host's `onTimer`: true if `tag` was the collection's. */
  onTimer(ctx: HostContext<H, N>, tag: string): boolean {
    if (tag !== this.timer) return false;
    this.replication.onTimer(this.scoped(ctx, this.toHost(ctx)), 'gossip');
    return true;
  }

  add(ctx: HostContext<H, N>, elem: string, opId: RequestId): Update {
    return this.update(ctx, { type: 'add', elem }, opId);
  }

  addAll(ctx: HostContext<H, N>, elems: readonly string[], opId: RequestId): Update {
    return this.update(ctx, { type: 'addAll', elems: [...elems] }, opId);
  }

  remove(ctx: HostContext<H, N>, elem: string, opId: RequestId): Update {
    return this.update(ctx, { type: 'remove', elem }, opId);
  }

  clear(ctx: HostContext<H, N>, opId: RequestId): Update {
    return this.update(ctx, { type: 'clear' }, opId);
  }

  contains(ctx: HostContext<H, N>, elem: string): boolean {
    const r = this.read(ctx, { type: 'get', elem });
    return r.type === 'got' && r.present;
  }

  size(ctx: HostContext<H, N>): number {
    const r = this.read(ctx, { type: 'size' });
    return r.type === 'size' ? r.size : 0;
  }

  /** The elements present here, sorted. */
  values(ctx: HostContext<H, N>): string[] {
    const r = this.read(ctx, { type: 'iterate' });
    return r.type === 'elements' ? [...r.elems] : [];
  }

  private owns(msg: unknown): msg is CollectionMsg<N> {
    const m = msg as Partial<CollectionMsg> | null;
    return typeof m === 'object' && m !== null && m.type === 'tempest' && m.collection === this.options.name;
  }

  /** Runs `req` through the collection's request handler, as the standalone protocol does; its answer, if it gave one now, is returned. */
  private handle(ctx: HostContext<H, N>, req: Req, opId: RequestId): Res | undefined {
    let now: Res | undefined;
    const later = this.toHost(ctx);
    this.replication.onRequest(this.scoped(ctx, (id, res) => (id === opId && now === undefined ? (now = res) : later(id, res))), req, opId, ctx.self);
    return now;
  }

  private read(ctx: HostContext<H, N>, req: Req): Res {
    const r = this.handle(ctx, req, `${this.options.name}:read`);
    if (r === undefined) throw new Error(`${this.options.name}: a ${req.type} was not answered at once`);
    return r;
  }

  private update(ctx: HostContext<H, N>, req: Req, opId: RequestId): Update {
    const r = this.handle(ctx, req, opId);
    if (r !== undefined) return { status: 'done', result: r as Settled };
    return this.options.state(ctx.state as H).pending.some((p) => p.requestId === opId) ? { status: 'pending' } : { status: 'busy' };
  }

  private toHost(ctx: HostContext<H, N>): (id: RequestId, res: Res) => void {
    return (id, res) => this.options.onStable(ctx, id, res as Settled);
  }

  /** The collection's context: the host's, scoped to its slice, its wrapped messages and its timer. */
  private scoped(ctx: HostContext<H, N>, reply: (id: RequestId, res: Res) => void): Ctx {
    const { name, state } = this.options;
    const wrap = (msg: Msg): CollectionMsg<N> => ({ type: 'tempest', collection: name, msg });
    return {
      self: ctx.self,
      cluster: ctx.cluster,
      peers: ctx.peers,
      get state() {
        return state(ctx.state as H) as Ctx['state'];
      },
      now: () => ctx.now(),
      random: () => ctx.random(),
      randomInt: (n) => ctx.randomInt(n),
      send: (to, msg) => ctx.send(to, wrap(msg)),
      broadcast: (msg, to) => ctx.broadcast(wrap(msg), to),
      setTimer: (_tag, delayMs) => ctx.setTimer(this.timer, delayMs),
      cancelTimer: () => ctx.cancelTimer(this.timer),
      reply,
      redirect: () => {
        throw new Error(`${name}: an embedded collection (level eventual) never redirects`);
      },
      log: (...parts) => ctx.log(`[${name}]`, ...parts),
      unackedTo: (peer) => ctx.unackedTo(peer),
    };
  }
}
