import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Service, type Context, type NodeId, type RequestId } from '../../src/index.ts';
import { ClusterClient } from '../../src/host/client.ts';
import { parseClusterConfig, type ClusterConfig } from '../../src/host/config.ts';
import { startNode, type RunningNode } from '../../src/host/node.ts';

/** n1 counts; any other node redirects requests to n1 and tells n1 about each one. */
interface S {
  total: number;
  heard: number;
}
type M = { type: 'heard' };
class Counter extends Service<S, M, { add: number }, number> {
  initialState(): S {
    return { total: 0, heard: 0 };
  }
  onMessage(ctx: Context<S, M, number>): void {
    ctx.state.heard++;
  }
  override onRequest(ctx: Context<S, M, number>, req: { add: number }, id: RequestId): void {
    if (ctx.self !== 'n1') {
      ctx.send('n1', { type: 'heard' });
      return ctx.redirect(id, 'n1');
    }
    ctx.state.total += req.add;
    ctx.reply(id, ctx.state.total);
  }
}

async function ports(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    out.push((s.address() as net.AddressInfo).port);
    await new Promise((r) => s.close(r));
  }
  return out;
}

let open: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.map((x) => x.stop()));
  open = [];
});

async function cluster(ids: NodeId[]): Promise<ClusterConfig> {
  const p = await ports(ids.length);
  return parseClusterConfig({ nodes: ids.map((id, i) => ({ id, address: `127.0.0.1:${p[i]}` })), protocol: 'counter', security: { plaintext: true } }, '.');
}

describe('startNode', () => {
  it('serves requests over the transport; the client follows a redirect; peers see each other', async () => {
    const config = await cluster(['n1', 'n2']);
    const logs: string[] = [];
    const nodes: RunningNode[] = [];
    for (const id of ['n1', 'n2']) nodes.push(await startNode({ config, nodeId: id, service: new Counter(), onLog: (l) => logs.push(l) }));
    open.push(...nodes);
    const client = await ClusterClient.connect({ config, timeoutMs: 2000, attemptsMax: 5 });
    open.push({ stop: () => client.close() });
    const first = await client.request<number>({ add: 2 }, { target: 'n2' });
    expect(first).toMatchObject({ result: 2, node: 'n1', attempts: 2 });
    // The client now prefers the node that answered.
    expect(await client.request<number>({ add: 3 })).toMatchObject({ result: 5, node: 'n1', attempts: 1 });
    expect((nodes[0]!.state() as S).total).toBe(5);
    // n2's note to n1 travels on another connection than the client's retry: it may come later.
    for (let i = 0; i < 250 && (nodes[0]!.state() as S).heard === 0; i++) await new Promise((r) => setTimeout(r, 20)); // det-ok: a real clock for a real cluster
    expect((nodes[0]!.state() as S).heard).toBe(1);
    expect(nodes[1]!.peers()).toEqual([{ peer: 'n1', connected: true, queuedBytes: 0, unacked: 0 }]);
    const stats = nodes[0]!.stats();
    expect(stats).toMatchObject({ requests: 2, replies: 2, handlerErrors: 0 });
    // Where a commit wait goes: the wait before a flush begins, and the event loop's delay.
    for (const k of ['queueMs', 'loopDelayMeanUs', 'loopDelayP99Us']) expect(stats[k]).toBeGreaterThanOrEqual(0);
    expect((await client.inspect('n1')).state).toEqual({ total: 5, heard: 1 });
  });

  it('a handler that throws loses that input only, with a log line', async () => {
    const config = await cluster(['n1']);
    const logs: string[] = [];
    const node = await startNode({ config, nodeId: 'n1', service: new Counter(), onLog: (l) => logs.push(l) });
    open.push(node);
    const client = await ClusterClient.connect({ config, timeoutMs: 300, attemptsMax: 1 });
    open.push({ stop: () => client.close() });
    await expect(client.request(null)).rejects.toThrow(/no reply after 1 attempts/);
    expect(logs.some((l) => /n1: request dropped: Counter\.onRequest on n1 threw/.test(l))).toBe(true);
    expect(await client.request<number>({ add: 1 }, { requestId: `${client.id}/again` })).toMatchObject({ result: 1 });
  });

  it("drops a request whose id is not its client's, with a log line; the client library refuses to send one", async () => {
    const config = await cluster(['n1']);
    const logs: string[] = [];
    const node = await startNode({ config, nodeId: 'n1', service: new Counter(), onLog: (l) => logs.push(l) });
    open.push(node);
    const client = await ClusterClient.connect({ config, id: 'mallory', timeoutMs: 300, attemptsMax: 1 });
    open.push({ stop: () => client.close() });
    expect(() => client.request({ add: 1 }, { requestId: 'alice/1' })).toThrow(/must start with this client's id 'mallory\/'/);
    // Around the library's check: the frame itself, as a hostile client would send it.
    (client as unknown as { transport: { send(to: unknown, b: Uint8Array): boolean } }).transport.send(
      { kind: 'node', id: 'n1' },
      Buffer.from(JSON.stringify({ t: 'req', id: 'alice/1', req: { add: 1 } })),
    );
    for (let i = 0; i < 100 && !logs.some((l) => l.includes("request id 'alice/1'")); i++) await new Promise((r) => setTimeout(r, 20)); // det-ok: a real clock for a real cluster
    expect(logs.some((l) => l.includes("request id 'alice/1' does not start with the client's id 'mallory/'"))).toBe(true);
    expect((node.state() as S).total).toBe(0);
    expect(await client.request<number>({ add: 4 })).toMatchObject({ result: 4 });
  });
});
