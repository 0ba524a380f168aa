import type { ClientId, NodeId, RequestId } from './ids.ts';

/**
 * One client operation as the client saw it: invoked at `invokeMs`, and either
 * completed with a result or given up on after its retries (`timeout`: it may or may
 * not have taken effect).
 */
export interface Operation<Req = unknown, Res = unknown> {
  readonly id: RequestId;
  readonly client: ClientId;
  readonly req: Req;
  readonly invokeMs: number;
  status: 'pending' | 'ok' | 'timeout';
  completeMs?: number;
  result?: Res;
  /** The node whose reply completed the operation. */
  node?: NodeId;
  /** How many times the request was sent (first try, retries and redirects). */
  attempts: number;
}

/** Operations in invocation order. */
export type History<Req = unknown, Res = unknown> = readonly Operation<Req, Res>[];

/** The operations that completed with a reply, in invocation order. */
export function acknowledged<Req, Res>(history: History<Req, Res>): Operation<Req, Res>[] {
  return history.filter((op) => op.status === 'ok');
}
