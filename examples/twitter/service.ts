import { Service, type ClientId, type Context, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { PrimaryBackup, type Bug as PbBug, type Timer as PbTimer } from '../../packages/protocols/primary-backup/index.ts';
import { backEndContext } from './backend-context.ts';
import { frontMessage, frontRequest, frontTick, startFront } from './front-end.ts';
import type { Msg, Req, Res, Timer } from './messages.ts';
import { frontState, type State } from './state.ts';

type Ctx = Context<State, Msg, Res, Timer>;

/** The prefix of a bug name that selects one of primary-backup's bugs for the back ends. */
export const BACK_END_BUG = 'back-end:';

export interface TwitterOptions {
  /** The back-end nodes; every other node of the cluster is a front end. */
  readonly backEnds: readonly NodeId[];
  /** `front-end-cache`, or `back-end:<name>` for a primary-backup bug run on the back ends. */
  readonly bug?: string;
}

/** One service for every node: a front end, or a back end running primary-backup unchanged. */
export class Twitter extends Service<State, Msg, Req, Res, Timer> {
  private readonly back: PrimaryBackup;
  private readonly cacheBug: boolean;

  constructor(private readonly options: TwitterOptions) {
    super();
    const pbBug = options.bug?.startsWith(BACK_END_BUG) ? (options.bug.slice(BACK_END_BUG.length) as PbBug) : undefined;
    this.back = new PrimaryBackup({ founders: options.backEnds, bug: pbBug });
    this.cacheBug = options.bug === 'front-end-cache';
  }

  private isBack(node: NodeId): boolean {
    return this.options.backEnds.includes(node);
  }

  initialState(node: NodeInfo): State {
    if (!this.isBack(node.self)) return { front: frontState(node, this.options.backEnds), back: null };
    return { front: null, back: this.back.initialState({ self: node.self, cluster: this.options.backEnds }) };
  }

  override onStart(ctx: Ctx): void {
    if (this.isBack(ctx.self)) this.back.onStart(backEndContext(ctx, this.options.backEnds));
    else startFront(ctx, this.cacheBug);
  }

  override onRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
    if (this.isBack(ctx.self)) {
      // Clients talk to front ends; one that tried a back end (after a timeout) is sent to one.
      const fronts = ctx.cluster.filter((n) => !this.isBack(n));
      if (fronts.length > 0) ctx.redirect(requestId, fronts[ctx.randomInt(fronts.length)]!);
      return;
    }
    const problem = invalid(req);
    if (problem !== null) return ctx.reply(requestId, { type: 'error', error: problem });
    frontRequest(ctx, req, requestId, client, this.cacheBug);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: Msg): void {
    if (!this.isBack(ctx.self)) return frontMessage(ctx, msg, this.cacheBug);
    const bctx = backEndContext(ctx, this.options.backEnds);
    if (msg.type === 'be') return this.back.onMessage(bctx, from, msg.msg);
    if (msg.type === 'call') return this.back.onRequest(bctx, msg.req, msg.requestId, msg.client);
  }

  override onTimer(ctx: Ctx, tag: Timer): void {
    if (tag === 'fe:tick') return frontTick(ctx, this.cacheBug);
    this.back.onTimer(backEndContext(ctx, this.options.backEnds), tag.slice('be:'.length) as PbTimer);
  }
}

/** Why `req` is not a twitter request (null if it is one): the real runtime passes on whatever a client sends. */
function invalid(req: unknown): string | null {
  if (req === null || typeof req !== 'object') return 'a request is an object';
  const r = req as Record<string, unknown>;
  const str = (k: string) => typeof r[k] === 'string' && (r[k] as string).length > 0;
  switch (r.type) {
    case 'post':
      return str('user') && typeof r.text === 'string' ? null : 'post needs user and text';
    case 'follow':
      return str('user') && str('whom') ? null : 'follow needs user and whom';
    case 'timeline':
      return str('user') ? null : 'timeline needs user';
    default:
      return "type must be 'post', 'follow' or 'timeline'";
  }
}
