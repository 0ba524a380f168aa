/**
 * A hand-driven cluster for unit tests (not used by the protocol): nodes run in
 * `TurnExecutor`s, time moves only in `advance`, which fires due timers in time order,
 * and every message goes through one queue that a test delivers, filters or holds back
 * (a `cut` drops messages between two sets of nodes, in both directions).
 */
import { TurnExecutor, type Effect, type NodeId, type RequestId } from '@faultline/runtime';
import type { Bug } from './config.ts';
import type { Msg, Req, Res } from './messages.ts';
import { GroupCommunication } from './service.ts';
import type { State } from './state.ts';

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: Msg;
}

interface KitNode {
  readonly exec: TurnExecutor<State>;
  state: State;
  readonly timers: Map<string, number>;
}

export class Kit {
  nowMs = 0;
  readonly queue: Envelope[] = [];
  readonly replies: { node: NodeId; requestId: RequestId; result: Res }[] = [];
  /** Messages for which this returns true are dropped when delivered. */
  drop: (e: Envelope) => boolean = () => false;
  private readonly nodes = new Map<NodeId, KitNode>();

  constructor(
    readonly ids: readonly NodeId[],
    bug?: Bug,
  ) {
    let x = 12345;
    const host = { now: () => this.nowMs, random: () => ((x = (x * 48271) % 2147483647) / 2147483647) };
    for (const id of ids) {
      const exec = new TurnExecutor<State>(new GroupCommunication({ bug }), id, ids, host);
      this.nodes.set(id, { exec, state: exec.initialState(), timers: new Map() });
    }
    for (const id of ids) this.run(id, { kind: 'start' });
  }

  /** Drops every message between `a` and `b` (both directions) until `heal`. */
  cut(a: readonly NodeId[], b: readonly NodeId[]): void {
    this.drop = (e) => (a.includes(e.from) && b.includes(e.to)) || (b.includes(e.from) && a.includes(e.to));
  }

  heal(): void {
    this.drop = () => false;
  }

  state(id: NodeId): State {
    return this.nodes.get(id)!.state;
  }

  request(id: NodeId, req: Req, requestId: RequestId): void {
    this.run(id, { kind: 'request', requestId, client: 'c1', req });
  }

  /** Delivers queued messages (those `hold` selects stay queued) until none are left to deliver. */
  deliver(hold: (e: Envelope) => boolean = () => false, maxSteps = 100_000): void {
    for (let n = 0; ; n++) {
      if (n > maxSteps) throw new Error('deliver: no quiescence');
      const i = this.queue.findIndex((e) => !hold(e));
      if (i < 0) return;
      const [e] = this.queue.splice(i, 1);
      if (!this.drop(e!)) this.run(e!.to, { kind: 'message', from: e!.from, msg: e!.msg });
    }
  }

  /** Moves time on by `ms` in steps of 10 ms, firing due timers and delivering after each step. */
  advance(ms: number, hold?: (e: Envelope) => boolean): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs = Math.min(end, this.nowMs + 10);
      for (const [id, node] of this.nodes)
        for (const [tag, due] of [...node.timers]) {
          if (due > this.nowMs) continue;
          node.timers.delete(tag);
          this.run(id, { kind: 'timer', tag });
        }
      this.deliver(hold);
    }
  }

  private run(id: NodeId, event: Parameters<TurnExecutor['run']>[1]): void {
    const node = this.nodes.get(id)!;
    const result = node.exec.run(node.state, event);
    node.state = result.state;
    for (const e of result.effects) this.apply(id, node, e);
  }

  private apply(id: NodeId, node: KitNode, e: Effect): void {
    if (e.kind === 'send') this.queue.push({ from: id, to: e.to, msg: e.msg as Msg });
    else if (e.kind === 'reply') this.replies.push({ node: id, requestId: e.requestId, result: e.result as Res });
    else if (e.kind === 'setTimer') node.timers.set(e.tag, this.nowMs + e.delayMs);
    else if (e.kind === 'cancelTimer') node.timers.delete(e.tag);
  }
}
