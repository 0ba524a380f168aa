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

/**
 * The history with each client renamed `client~n` from its n-th session restart on:
 * `restarts(op, previous)` says whether an answered operation starts a new session, given
 * the same client's previous answered one.
 */
export function restartSessions<Req, Res>(
  history: History<Req, Res>,
  restarts: (op: Operation<Req, Res>, previous: Operation<Req, Res> | undefined) => boolean,
): Operation<Req, Res>[] {
  const epochs = new Map<string, number>();
  const answered = new Map<string, Operation<Req, Res>>();
  return history.map((op) => {
    if (op.status === 'ok') {
      if (restarts(op, answered.get(op.client))) epochs.set(op.client, (epochs.get(op.client) ?? 0) + 1);
      answered.set(op.client, op);
    }
    const n = epochs.get(op.client);
    return n === undefined ? op : { ...op, client: `${op.client}~${n}` };
  });
}
