import type { ClientOp, Op, Req, Res, Store, VoterOp } from './messages.ts';
import type { Ctx } from './state.ts';

/** The store as a handler sees it: an immer draft (the runtime does not re-export immer's `Draft`). */
export type StoreDraft = Ctx['state']['store'];

/**
 * Applies `op` (whose seq must be `store.seq + 1`) to the store: a client op's result is
 * recorded in the client's session, a voter op extends the voters. Every replica applies
 * the same ops in the same order, so every replica computes the same results: a get's
 * result is part of the replicated state too.
 */
export function applyOp(store: StoreDraft, op: Op): void {
  const result = isClientOp(op) ? perform(store, op.req) : null;
  store.seq = op.seq;
  store.lastView = op.view;
  if (result !== null) {
    const { client, requestId, req } = op as ClientOp;
    store.sessions[client] = { reqSeq: req.seq ?? -1, requestId, opSeq: op.seq, result };
  } else {
    const node = (op as VoterOp).addVoter;
    if (!store.voters.includes(node)) store.voters.push(node);
  }
}

export function isClientOp(op: Op): op is ClientOp {
  return 'req' in op;
}

function perform(store: StoreDraft, req: Req): Res {
  if (req.type === 'get') return { type: 'get-ok', value: latest(store, req.key) };
  (store.data[req.key] ??= []).push(req.value);
  return { type: 'put-ok' };
}

/** The newest value of `key`, or null. */
export function latest(store: Store | StoreDraft, key: string): string | null {
  const values = store.data[key];
  return values === undefined || values.length === 0 ? null : values[values.length - 1]!;
}
