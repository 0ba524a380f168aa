/**
 * Client requests. The leader appends each new request to its log and answers once the
 * entry is applied; a request already applied is answered from its client's session, one
 * already in the log is simply awaited. Other nodes send the client to the leader they
 * know, or hold the request until they know one.
 */
import type { ClientId, RequestId } from '@faultline/runtime';
import { LIMITS } from './config.ts';
import { sessionAnswer } from './kv.ts';
import { entryAt, lastIndex } from './log.ts';
import type { Req } from './messages.ts';
import { advanceCommit, sendAppend } from './replication.ts';
import type { Ctx } from './state.ts';

export function onClientRequest(ctx: Ctx, req: Req, requestId: RequestId, client: ClientId): void {
  const s = ctx.state;
  if (s.role !== 'leader') {
    if (s.leaderId !== null && s.leaderId !== s.self) ctx.redirect(requestId, s.leaderId);
    else if (Object.keys(s.pending).length < LIMITS.maxPending) s.pending[requestId] = { client, index: 0, req };
    else ctx.redirect(requestId, ctx.peers[ctx.randomInt(ctx.peers.length)] ?? s.self);
    return;
  }
  const answer = sessionAnswer(s, client, req.seq);
  if (answer === 'old') return; // a late copy of a request the client is no longer waiting for
  if (answer !== undefined) {
    ctx.reply(requestId, answer);
    return;
  }
  const held = s.pending[requestId];
  if (held !== undefined && held.index > 0) return; // already in the log: the answer comes when it is applied
  const inLog = findUncommitted(ctx, requestId);
  if (inLog > 0) {
    s.pending[requestId] = { client, index: inLog, req };
    return;
  }
  if (lastIndex(s) - s.commitIndex >= LIMITS.maxUncommitted || Object.keys(s.pending).length >= LIMITS.maxPending) {
    // Full: send the client back here, to retry once entries have committed.
    ctx.redirect(requestId, s.self);
    return;
  }
  s.log.push({ term: s.currentTerm, cmd: { kind: 'client', client, requestId, req } });
  const index = lastIndex(s);
  s.pending[requestId] = { client, index, req };
  const l = s.leader!;
  for (const peer of ctx.peers) if (l.nextIndex[peer] === index) sendAppend(ctx, peer);
  advanceCommit(ctx);
}

/** The index of the request in the not yet committed part of the log, or 0. */
function findUncommitted(ctx: Ctx, requestId: RequestId): number {
  const s = ctx.state;
  for (let i = lastIndex(s); i > s.commitIndex; i--) {
    const cmd = entryAt(s, i)!.cmd;
    if (cmd.kind === 'client' && cmd.requestId === requestId) return i;
  }
  return 0;
}

/** A new leader takes on the requests it held while no leader was known. */
export function serveHeld(ctx: Ctx): void {
  const s = ctx.state;
  for (const [requestId, held] of Object.entries(s.pending)) {
    if (held.index > 0) continue;
    delete s.pending[requestId];
    onClientRequest(ctx, held.req, requestId, held.client);
  }
}
