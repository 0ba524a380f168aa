/**
 * The README's tutorial protocol: a replicated counter that any node may increment.
 *
 * Each node keeps a vector with one entry per node: how many increments that node has
 * accepted (a grow-only counter, a G-Counter CRDT). A node increments its own entry
 * and acknowledges the client at once. Every `gossipMs` it sends its whole vector to
 * every peer, and a node merges what it receives by taking the larger value of each
 * entry. Merging is idempotent, commutative and associative, so lost, duplicated and
 * reordered messages and healed partitions do no harm: the replicas converge.
 *
 * The `gossip-once` bug sends the vector only once, right after an increment. It looks
 * fine until one message is lost, and then the replicas never agree.
 */
import { Service, always, defineProtocol, eventually, type Context, type NodeInfo, type RequestId, type SystemView } from 'faultline';

type State = {
  readonly counts: Readonly<Record<string, number>>;
  /**
   * Each client's latest requests here and their answers: a duplicated request is
   * answered again, not applied again. The network may deliver a duplicate late, after
   * newer requests, so it keeps a window of them.
   */
  readonly recent: Readonly<Record<string, readonly { readonly id: RequestId; readonly result: number }[]>>;
};
type Msg = { readonly type: 'gossip'; readonly counts: Readonly<Record<string, number>> };
type Req = { readonly type: 'inc' } | { readonly type: 'read' };
type Res = number;
type Ctx = Context<State, Msg, Res, 'gossip'>;

const gossipMs = 100;
const recentMax = 16;

class Counter extends Service<State, Msg, Req, Res, 'gossip'> {
  constructor(private readonly bug?: string) {
    super();
  }

  initialState(node: NodeInfo): State {
    return { counts: Object.fromEntries(node.cluster.map((n) => [n, 0])), recent: {} };
  }

  override onStart(ctx: Ctx): void {
    if (this.bug !== 'gossip-once') ctx.setTimer('gossip', gossipMs);
  }

  override onTimer(ctx: Ctx, tag: 'gossip'): void {
    ctx.broadcast({ type: 'gossip', counts: ctx.state.counts });
    ctx.setTimer(tag, gossipMs);
  }

  onMessage(ctx: Ctx, _from: string, msg: Msg): void {
    const counts = ctx.state.counts;
    for (const node in msg.counts) counts[node] = Math.max(counts[node] ?? 0, msg.counts[node]!);
  }

  override onRequest(ctx: Ctx, req: Req, id: RequestId, client: string): void {
    const seen = ctx.state.recent[client]?.find((r) => r.id === id);
    if (seen !== undefined) return ctx.reply(id, seen.result);
    switch (req.type) {
      case 'inc':
        ctx.state.counts[ctx.self] = (ctx.state.counts[ctx.self] ?? 0) + 1;
        if (this.bug === 'gossip-once') ctx.broadcast({ type: 'gossip', counts: ctx.state.counts });
        break;
      case 'read':
        break;
    }
    const result = total(ctx.state);
    const recent = (ctx.state.recent[client] ??= []);
    recent.push({ id, result });
    if (recent.length > recentMax) recent.shift();
    ctx.reply(id, result);
  }
}

function total(s: State): number {
  let sum = 0;
  for (const node in s.counts) sum += s.counts[node]!;
  return sum;
}

type View = SystemView<State, Req, Res>;
const increments = (v: View, status?: 'ok') => v.history.filter((op) => op.req.type === 'inc' && (status === undefined || op.status === status)).length;

export default defineProtocol<State, Req, Res>({
  name: 'counter',
  description: 'a replicated counter: increments anywhere, gossip of G-Counter vectors',
  create: ({ bug }) => new Counter(bug),
  bugs: [{ name: 'gossip-once', description: 'sends each increment once instead of gossiping the vector' }],
  properties: [
    always('no-double-count', 'no replica counts more increments than clients asked for', (v: View) => {
      const invoked = increments(v);
      for (const n of v.nodes) if (n.state && total(n.state) > invoked) return `${n.id} counts ${total(n.state)} of ${invoked} increments`;
      return true;
    }),
    eventually('converged', 'after healing, every replica has the same total, counting every acknowledged increment', (v: View) => {
      const totals = v.nodes.map((n) => (n.state ? total(n.state) : -1));
      if (new Set(totals).size !== 1) return `replicas disagree: ${v.nodes.map((n, i) => `${n.id}=${totals[i]}`).join(' ')}`;
      const acked = increments(v, 'ok');
      return totals[0]! >= acked || `the replicas count ${totals[0]} but ${acked} increments were acknowledged`;
    }),
  ],
  faults: ['drop', 'duplicate', 'reorder', 'delay', 'partition'],
  nodes: 3,
  workload: {
    clients: 2,
    thinkMs: 50,
    timeoutMs: 200,
    retries: 0,
    next: (rng) => (rng.random() < 0.8 ? { type: 'inc' } : { type: 'read' }),
  },
});
