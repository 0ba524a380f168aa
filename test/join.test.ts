/**
 * Joining a running cluster on the real runtime (loopback, ephemeral ports from the repo's
 * free-port helper): a node that knows one node of the cluster asks it to be added and
 * learns the membership, the others learn of it, and messages flow both ways; a join
 * through a node that is not there, or under an id already taken, fails with a clear error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Service, type Context, type NodeId, type RequestId } from '@faultline/runtime';
import { ClusterConfigError, joinCluster, parseClusterConfig, startNode, type ClusterConfig, type RunningNode } from '@faultline/runtime/host';
import { freePorts } from '../examples/kv-cluster/processes.ts';

/** Every node greets the nodes of its cluster at start and answers each greeting; a request returns who it heard from. */
interface S {
  heard: NodeId[];
  acked: NodeId[];
}
type M = { type: 'hello' } | { type: 'ack' };
class Greeter extends Service<S, M, unknown, NodeId[], 'again'> {
  initialState(): S {
    return { heard: [], acked: [] };
  }
  override onStart(ctx: Context<S, M, NodeId[], 'again'>): void {
    ctx.broadcast({ type: 'hello' });
    ctx.setTimer('again', 100);
  }
  override onTimer(ctx: Context<S, M, NodeId[], 'again'>): void {
    // Connections come up a little after start: greet again until every peer has answered.
    const missing = ctx.peers.filter((p) => !ctx.state.acked.includes(p));
    if (missing.length > 0) ctx.broadcast({ type: 'hello' }, missing);
    if (missing.length > 0) ctx.setTimer('again', 100);
  }
  onMessage(ctx: Context<S, M, NodeId[], 'again'>, from: NodeId, msg: M): void {
    const list = msg.type === 'hello' ? ctx.state.heard : ctx.state.acked;
    if (!list.includes(from)) list.push(from);
    if (msg.type === 'hello') ctx.send(from, { type: 'ack' });
  }
  override onRequest(ctx: Context<S, M, NodeId[], 'again'>, _req: unknown, id: RequestId): void {
    ctx.reply(id, [...ctx.state.heard]);
  }
}

const config = (nodes: [NodeId, number][]): ClusterConfig =>
  parseClusterConfig({ nodes: nodes.map(([id, port]) => ({ id, address: `127.0.0.1:${port}` })), protocol: 'greeter', security: { plaintext: true } }, '.');

let open: RunningNode[] = [];
afterEach(async () => {
  await Promise.all(open.map((n) => n.stop()));
  open = [];
});

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 20)); // det-ok: a real cluster's clock
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

describe('joining a running cluster', () => {
  it('a node knowing one member learns the membership, and every member exchanges messages with it', async () => {
    const [p1, p2, p3, p0, p9] = await freePorts(5);
    const founders = config([['n1', p1!], ['n2', p2!], ['n3', p3!]]);
    for (const id of ['n1', 'n2', 'n3']) open.push(await startNode({ config: founders, nodeId: id, service: new Greeter(), onLog: () => {} }));
    // n0 sorts before every member (they dial it), n9 after (it dials them); each knows only n2.
    for (const [id, port] of [['n0', p0!], ['n9', p9!]] as const) {
      const joined = await joinCluster({ config: config([[id, port], ['n2', p2!]]), nodeId: id, via: 'n2' });
      expect(joined.nodes.map((n) => n.id).sort()).toEqual([id, 'n1', 'n2', 'n3', ...(id === 'n9' ? ['n0'] : [])].sort());
      open.push(await startNode({ config: joined, nodeId: id, service: new Greeter(), onLog: () => {} }));
    }
    const [n1, n2, n3, n0, n9] = open as [RunningNode, RunningNode, RunningNode, RunningNode, RunningNode];
    const state = (n: RunningNode) => n.state() as S;
    await until('the joiners to hear from every member', () => [n0, n9].every((j) => ['n1', 'n2', 'n3'].every((m) => state(j).acked.includes(m))));
    await until('every member to hear from both joiners', () => [n1, n2, n3].every((m) => ['n0', 'n9'].every((j) => state(m).heard.includes(j))));
    // n0 joined first and never heard of n9 from its config, but n2 told n0's host, so n9's greeting is answered.
    await until('n9 to hear from n0, the earlier joiner', () => state(n9).acked.includes('n0'));
  }, 30_000);

  it('fails clearly when the node to join through does not answer, or the id is taken', async () => {
    const [p1, p2, spare] = await freePorts(3);
    const lonely = config([['n5', p1!], ['n1', p2!]]);
    await expect(joinCluster({ config: lonely, nodeId: 'n5', via: 'n1', timeoutMs: 400 })).rejects.toThrow(/n5 could not join through n1 .* no answer within 400 ms/);
    const founders = config([['n1', p2!]]);
    open.push(await startNode({ config: founders, nodeId: 'n1', service: new Greeter(), onLog: () => {} }));
    const taken = config([['n1', spare!], ['n2', p2!]]);
    await expect(joinCluster({ config: taken, nodeId: 'n1', via: 'n1' })).rejects.toThrow(ClusterConfigError);
    const clash = config([['n1x', spare!], ['n1', p2!]]);
    expect((await joinCluster({ config: clash, nodeId: 'n1x', via: 'n1' })).nodes.map((n) => n.id)).toEqual(['n1', 'n1x']);
    // The same id again at another address is refused: the node does not answer, the join times out.
    const again = config([['n1x', p1!], ['n1', p2!]]);
    await expect(joinCluster({ config: again, nodeId: 'n1x', via: 'n1', timeoutMs: 600 })).rejects.toThrow(/no answer within 600 ms/);
  }, 30_000);
});
