/**
 * A tiny hand-driven cluster for unit tests: each node runs in a `TurnExecutor`, messages
 * wait in one FIFO queue until a test delivers (or drops) them, time moves only when a
 * test says so, and timers fire only when a test ticks a node. Not used by the protocol.
 */
import { TurnExecutor, type Effect, type NodeId, type RequestId } from '@faultline/runtime';
import type { Bug } from './config.ts';
import type { Msg, Req, Res } from './messages.ts';
import { PrimaryBackup } from './service.ts';
import type { State } from './state.ts';

export interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: Msg;
}

interface TestNode {
  readonly exec: TurnExecutor<State>;
  state: State;
  up: boolean;
}

export class TestCluster {
  nowMs = 0;
  readonly queue: Envelope[] = [];
  readonly replies: { node: NodeId; requestId: RequestId; result: Res }[] = [];
  readonly redirects: { node: NodeId; requestId: RequestId; to: NodeId }[] = [];
  private readonly nodes = new Map<NodeId, TestNode>();
  private seed = 1;

  constructor(
    readonly founders: readonly NodeId[],
    readonly bug?: Bug,
  ) {}

  /** Starts (or restarts, with empty state) `id`; a late joiner passes its contact. */
  start(id: NodeId, contact?: NodeId): void {
    const cluster = contact === undefined ? this.founders : [id, contact];
    let x = this.seed++ * 7919;
    const host = {
      now: () => this.nowMs,
      random: () => ((x = (x * 48271) % 2147483647) / 2147483647),
    };
    const exec = new TurnExecutor<State>(new PrimaryBackup({ bug: this.bug, founders: this.founders }), id, cluster, host);
    const node: TestNode = { exec, state: exec.initialState(), up: true };
    this.nodes.set(id, node);
    this.run(id, { kind: 'start' });
  }

  crash(id: NodeId): void {
    this.node(id).up = false;
  }

  state(id: NodeId): State {
    return this.node(id).state;
  }

  request(id: NodeId, req: Req, requestId: RequestId, client = 'c1'): void {
    this.run(id, { kind: 'request', requestId, client, req });
  }

  /** Fires `id`'s periodic timer. */
  tick(id: NodeId): void {
    this.run(id, { kind: 'timer', tag: 'tick' });
  }

  /** Delivers queued messages in order (dropping those `drop` selects) until none are left. */
  deliver(drop: (e: Envelope) => boolean = () => false, maxSteps = 10_000): number {
    let n = 0;
    while (this.queue.length > 0) {
      if (++n > maxSteps) throw new Error('deliver: no quiescence');
      const e = this.queue.shift()!;
      if (drop(e) || this.nodes.get(e.to)?.up !== true) continue; // lost, or to a node that is down
      this.run(e.to, { kind: 'message', from: e.from, msg: e.msg });
    }
    return n;
  }

  /** Moves time on and ticks every up node, then delivers, `rounds` times. */
  settle(rounds = 5, stepMs = 50, drop?: (e: Envelope) => boolean): void {
    for (let i = 0; i < rounds; i++) {
      this.nowMs += stepMs;
      for (const [id, node] of this.nodes) if (node.up) this.tick(id);
      this.deliver(drop);
    }
  }

  /** Messages of one type now waiting, optionally to one node. */
  pending(type: Msg['type'], to?: NodeId): Envelope[] {
    return this.queue.filter((e) => e.msg.type === type && (to === undefined || e.to === to));
  }

  private node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  private run(id: NodeId, event: Parameters<TurnExecutor['run']>[1]): void {
    const node = this.node(id);
    if (!node.up) return;
    const result = node.exec.run(node.state, event);
    node.state = result.state;
    for (const e of result.effects) this.apply(id, e);
  }

  private apply(id: NodeId, e: Effect): void {
    switch (e.kind) {
      case 'send':
        this.queue.push({ from: id, to: e.to, msg: e.msg as Msg });
        return;
      case 'reply':
        this.replies.push({ node: id, requestId: e.requestId, result: e.result as Res });
        return;
      case 'redirect':
        this.redirects.push({ node: id, requestId: e.requestId, to: e.to });
        return;
      case 'setTimer':
      case 'cancelTimer':
      case 'log':
        return;
    }
  }
}

/** Three founders that have bootstrapped view 1 with n1 as primary. */
export function bootstrapped(bug?: Bug): TestCluster {
  const c = new TestCluster(['n1', 'n2', 'n3'], bug);
  for (const id of c.founders) c.start(id);
  c.deliver();
  c.settle(3);
  return c;
}
