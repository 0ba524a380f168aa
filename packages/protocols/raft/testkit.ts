/**
 * A hand-driven Raft cluster for unit tests: each node runs in a `TurnExecutor`, messages
 * wait in one queue until a test delivers them, and timers fire only when a test says so.
 * Not used by the protocol.
 */
import { TurnExecutor, type NodeId, type RequestId, type ServiceEvent } from '@faultline/runtime';
import type { Bug } from './config.ts';
import type { Msg, Req, Res } from './messages.ts';
import { Raft } from './service.ts';
import type { State } from './state.ts';

export interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: Msg;
}

export class RaftTestCluster {
  readonly queue: Envelope[] = [];
  readonly replies: { node: NodeId; requestId: RequestId; result: Res }[] = [];
  readonly redirects: { node: NodeId; requestId: RequestId; to: NodeId }[] = [];
  private readonly execs = new Map<NodeId, TurnExecutor<State>>();
  private readonly states = new Map<NodeId, State>();

  constructor(
    readonly ids: readonly NodeId[],
    bug?: Bug,
  ) {
    ids.forEach((id, i) => {
      let x = (i + 1) * 7919;
      const host = { now: () => 0, random: () => (x = (x * 48271) % 2147483647) / 2147483647 };
      const exec = new TurnExecutor<State>(new Raft({ bug }), id, ids, host);
      this.execs.set(id, exec);
      this.states.set(id, exec.initialState());
      this.run(id, { kind: 'start' });
    });
  }

  state(id: NodeId): State {
    return this.states.get(id)!;
  }

  /** Replaces part of a node's state, to set up a situation directly. */
  patch(id: NodeId, change: Partial<State>): void {
    this.states.set(id, { ...this.state(id), ...change });
  }

  fire(id: NodeId, tag: 'election' | 'heartbeat'): void {
    this.run(id, { kind: 'timer', tag });
  }

  request(id: NodeId, req: Req, requestId: RequestId, client = 'c1'): void {
    this.run(id, { kind: 'request', requestId, client, req });
  }

  /** Delivers queued messages (only those `keep` accepts; the others are dropped) until none is left, at most `maxSteps`. */
  deliverAll(keep: (e: Envelope) => boolean = () => true, maxSteps = 1000): void {
    for (let step = 0; step < maxSteps && this.queue.length > 0; step++) {
      const e = this.queue.shift()!;
      if (keep(e)) this.run(e.to, { kind: 'message', from: e.from, msg: e.msg });
    }
  }

  run(id: NodeId, event: ServiceEvent<Msg, Req>): void {
    const r = this.execs.get(id)!.run(this.state(id), event);
    this.states.set(id, r.state);
    for (const e of r.effects) {
      if (e.kind === 'send') this.queue.push({ from: id, to: e.to, msg: e.msg as Msg });
      else if (e.kind === 'reply') this.replies.push({ node: id, requestId: e.requestId, result: e.result as Res });
      else if (e.kind === 'redirect') this.redirects.push({ node: id, requestId: e.requestId, to: e.to });
    }
  }
}
