/**
 * The context a back-end node gives the unchanged back-end service: its own state is the
 * `back` field of the composite state, its cluster is the back ends only, its messages
 * and timers are wrapped so they do not collide with the front ends', and its
 * `reply`/`redirect` go back as messages to the front end that called (named by the
 * request id, `<front end>/<generation>/<n>`), since a front end, not a simulated or
 * real client, is the back end's client.
 */
import type { Context, NodeId, RequestId } from '@faultline/runtime';
import type { Msg as PbMsg, Res as PbRes, State as PbState, Timer as PbTimer } from '../../packages/protocols/primary-backup/index.ts';
import type { Msg, Res, Timer } from './messages.ts';
import type { State } from './state.ts';

export type BackCtx = Context<PbState, PbMsg, PbRes, PbTimer>;

/** The front end that issued `requestId`. */
export function callerOf(requestId: RequestId): NodeId {
  const at = requestId.indexOf('/');
  return at < 0 ? requestId : requestId.slice(0, at);
}

export function backEndContext(ctx: Context<State, Msg, Res, Timer>, backEnds: readonly NodeId[]): BackCtx {
  const peers = backEnds.filter((n) => n !== ctx.self);
  return {
    self: ctx.self,
    cluster: backEnds,
    peers,
    get state() {
      const back = ctx.state.back;
      if (back === null) throw new Error(`${ctx.self} is not a back end`);
      return back;
    },
    now: () => ctx.now(),
    random: () => ctx.random(),
    randomInt: (n) => ctx.randomInt(n),
    send: (to, msg) => ctx.send(to, { type: 'be', msg }),
    broadcast: (msg, to) => ctx.broadcast({ type: 'be', msg }, to ?? peers),
    setTimer: (tag, delayMs) => ctx.setTimer(`be:${tag}`, delayMs),
    cancelTimer: (tag) => ctx.cancelTimer(`be:${tag}`),
    reply: (requestId, result) => ctx.send(callerOf(requestId), { type: 'answer', requestId, result }),
    redirect: (requestId, to) => ctx.send(callerOf(requestId), { type: 'moved', requestId, to }),
    log: (...parts) => ctx.log('[back end]', ...parts),
    unackedTo: (peer) => ctx.unackedTo(peer),
  };
}
