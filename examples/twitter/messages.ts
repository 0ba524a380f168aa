import type { NodeId, RequestId } from '@faultline/runtime';
import type { Msg as PbMsg, Req as PbReq, Res as PbRes, Timer as PbTimer } from '../../packages/protocols/primary-backup/index.ts';

/** What a twitter client asks a front end. */
export type Req =
  | { readonly type: 'post'; readonly user: string; readonly text: string }
  | { readonly type: 'follow'; readonly user: string; readonly whom: string }
  | { readonly type: 'timeline'; readonly user: string };

/** One post as a timeline shows it. */
export interface ShownPost {
  readonly author: string;
  readonly text: string;
}

export type Res =
  | { readonly type: 'posted' }
  | { readonly type: 'followed' }
  | { readonly type: 'timeline'; readonly user: string; readonly posts: readonly ShownPost[] }
  | { readonly type: 'error'; readonly error: string };

/**
 * Messages between nodes. `be` carries the back end's own protocol between back ends;
 * `call` is a front end acting as the back end's client, `answer` and `moved` are what
 * the back end's `ctx.reply` and `ctx.redirect` become on the way back.
 */
export type Msg =
  | { readonly type: 'be'; readonly msg: PbMsg }
  | { readonly type: 'call'; readonly requestId: RequestId; readonly client: string; readonly req: PbReq }
  | { readonly type: 'answer'; readonly requestId: RequestId; readonly result: PbRes }
  | { readonly type: 'moved'; readonly requestId: RequestId; readonly to: NodeId };

export type Timer = 'fe:tick' | `be:${PbTimer}`;
