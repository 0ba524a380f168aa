import { stack, Upper, type Answer, type ClientId, type NodeId, type NodeInfo, type RequestId } from '@faultline/runtime';
import { PrimaryBackup, type Bug as PbBug, type Req as PbReq, type Res as PbRes } from '../../packages/protocols/primary-backup/index.ts';
import { frontAnswer, frontMessage, frontRequest, frontTick, startFront, type FrontCtx } from './front-end.ts';
import type { FrontMsg, Req, Res } from './messages.ts';
import { frontState, type FrontState } from './state.ts';

/** The prefix of a bug name that selects one of primary-backup's bugs for the back ends. */
export const BACK_END_BUG = 'back-end:';

export interface TwitterOptions {
  /** The back-end nodes; every other node of the cluster is a front end. */
  readonly backEnds: readonly NodeId[];
  /** The founding front ends; any other front end joins through one it knows (default: every front end is a founder). */
  readonly frontEnds?: readonly NodeId[];
  /** Back ends that join later (primary-backup's late joiners: they replicate but do not vote). */
  readonly lateBackEnds?: readonly NodeId[];
  /** `front-end-cache`, `serve-before-admitted`, or `back-end:<name>` for a primary-backup bug run on the back ends. */
  readonly bug?: string;
}

/** The front end: the upper layer, a client of the back end below it (front-end.ts). */
export class FrontEnd extends Upper<FrontState, FrontMsg, Req, Res, 'tick', PbReq, PbRes> {
  constructor(
    private readonly backEnds: readonly NodeId[],
    private readonly founders: readonly NodeId[] | undefined,
    private readonly cacheBug: boolean,
  ) {
    super();
  }

  initialState(node: NodeInfo): FrontState {
    return frontState(node, this.backEnds, this.founders?.includes(node.self) ?? true);
  }

  override onStart(ctx: FrontCtx): void {
    startFront(ctx, this.cacheBug);
  }

  override onRequest(ctx: FrontCtx, req: Req, requestId: RequestId, client: ClientId): void {
    const problem = invalid(req);
    if (problem !== null) return ctx.reply(requestId, { type: 'error', error: problem });
    frontRequest(ctx, req, requestId, client, this.cacheBug);
  }

  onMessage(ctx: FrontCtx, from: NodeId, msg: FrontMsg): void {
    frontMessage(ctx, from, msg, this.cacheBug);
  }

  override onTimer(ctx: FrontCtx, _tag: 'tick'): void {
    frontTick(ctx, this.cacheBug);
  }

  onAnswer(ctx: FrontCtx, callId: string, answer: Answer<PbRes>): void {
    frontAnswer(ctx, callId, answer, this.cacheBug);
  }
}

/** Front ends stacked over primary-backup, unchanged, on the back-end nodes. */
export function twitterService(options: TwitterOptions) {
  const pbBug = options.bug?.startsWith(BACK_END_BUG) ? (options.bug.slice(BACK_END_BUG.length) as PbBug) : undefined;
  const isBack = (n: NodeId) => options.backEnds.includes(n) || (options.lateBackEnds?.includes(n) ?? false);
  return stack({
    name: 'twitter',
        // serve-before-admitted: every front end takes itself for a founder.
    upper: new FrontEnd(options.backEnds, options.bug === 'serve-before-admitted' ? undefined : options.frontEnds, options.bug === 'front-end-cache'),
    lower: new PrimaryBackup({ founders: options.backEnds, bug: pbBug }),
    upperOn: (n) => !isBack(n),
    lowerOn: isBack,
  });
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
