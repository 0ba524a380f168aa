/**
 * The replicated state machine: a key-value store with one session per client. Applying
 * the same log in the same order gives every node the same store and the same answers.
 */
import type { ClientId } from '@faultline/runtime';
import type { Command, Req, Res } from './messages.ts';
import type { Session } from './state.ts';

export interface Machine {
  kv: Record<string, string>;
  sessions: Record<ClientId, Session>;
}

/**
 * Applies one command and returns the client's answer (null for a no-op). A request whose
 * `seq` the client's session has already seen is not applied again: the copy of the last
 * one is answered from the session, an older one (the client has moved on) gets null.
 */
export function applyCommand(m: Machine, cmd: Command): Res | null {
  if (cmd.kind === 'noop') return null;
  const session = m.sessions[cmd.client];
  if (session !== undefined && cmd.req.seq <= session.seq) return cmd.req.seq === session.seq ? session.result : null;
  const result = execute(m.kv, cmd.req);
  m.sessions[cmd.client] = { seq: cmd.req.seq, result };
  return result;
}

function execute(kv: Record<string, string>, req: Req): Res {
  switch (req.type) {
    case 'put':
      kv[req.key] = req.value;
      return { type: 'put-ok' };
    case 'get':
      return { type: 'get-ok', value: kv[req.key] ?? null };
    case 'cas':
      if ((kv[req.key] ?? null) !== req.expected) return { type: 'cas-fail' };
      kv[req.key] = req.value;
      return { type: 'cas-ok' };
  }
}

/** What the session says about a request from `client` numbered `seq`: its answer if it was the last applied. */
export function sessionAnswer(m: Machine, client: ClientId, seq: number): Res | 'old' | undefined {
  const session = m.sessions[client];
  if (session === undefined || seq > session.seq) return undefined;
  return seq === session.seq ? session.result : 'old';
}
