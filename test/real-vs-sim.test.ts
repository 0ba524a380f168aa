/**
 * The same protocol and workload, once in the simulator and once on the real runtime (three
 * nodes started in this process with `startNode`, talking over loopback TCP, real timers),
 * with no faults: the replicated stores end the same.
 */
import { ClusterClient, parseClusterConfig, startNode, type RunningNode } from '@faultline/runtime/host';
import type { ProtocolDefinition } from '@faultline/runtime';
import { primaryBackup } from '@faultline/protocols';
import { Rng, simulate } from '@faultline/simulator';
import { afterAll, expect, it } from 'vitest';
import { kvRequest, type KvReq, type KvStore } from '../examples/kv-cluster/kv-workload.ts';
import { freePorts } from '../examples/kv-cluster/processes.ts';

const IDS = ['n1', 'n2', 'n3'];
const OPS = 40;
/** The simulator's one client is `c1`; the real client takes the same id, so the values match. */
const CLIENT = 'c1';
const rng = new Rng('real-vs-sim');
const REQUESTS: KvReq[] = Array.from({ length: OPS }, (_, n) => kvRequest(CLIENT, n, () => rng.random()));

const nodes: RunningNode[] = [];
let client: ClusterClient | undefined;
afterAll(async () => {
  await client?.close();
  await Promise.all(nodes.map((n) => n.stop()));
});

function storeOf(state: unknown): Pick<KvStore, 'seq' | 'data'> {
  const s = (state as { store: KvStore }).store;
  return { seq: s.seq, data: s.data };
}

it('primary-backup ends in the same state in the simulator and on the real runtime', async () => {
  const protocol: ProtocolDefinition = {
    ...primaryBackup,
    create: ({ bug }) => primaryBackup.create({ bug, founders: IDS } as { bug?: string }),
    nodes: IDS.length,
    workload: { clients: 1, thinkMs: 5, timeoutMs: 500, retries: 20, next: (_rng, _client, n) => REQUESTS[n]! },
  };
  const sim = simulate({ protocol, seed: 1, faults: [], durationMs: 20_000, scenario: { workload: { maxRequests: OPS } } });
  expect(sim.history.filter((op) => op.status === 'ok')).toHaveLength(OPS);
  const simStores = sim.nodes.map((n) => storeOf(n.state));
  expect(simStores).toEqual([simStores[0], simStores[0], simStores[0]]);
  expect(simStores[0]!.seq).toBe(OPS);
  expect(Object.values(simStores[0]!.data).flat().length).toBe(REQUESTS.filter((r) => r.type === 'put').length);

  const ports = await freePorts(IDS.length);
  const config = parseClusterConfig(
    { nodes: IDS.map((id, i) => ({ id, address: `127.0.0.1:${ports[i]}` })), protocol: 'primary-backup', security: { plaintext: true } },
    process.cwd(),
  );
  for (const id of IDS) nodes.push(await startNode({ config, nodeId: id, service: protocol.create({}), onLog: () => {} }));
  client = await ClusterClient.connect({ config, id: CLIENT, timeoutMs: 500, attemptsMax: 40 });
  for (const req of REQUESTS) await client.request(req);
  let real = nodes.map((n) => storeOf(n.state()));
  for (let i = 0; i < 100 && !real.every((s) => JSON.stringify(s) === JSON.stringify(real[0])); i++) {
    await new Promise((r) => setTimeout(r, 50)); // det-ok: a real clock for a real cluster
    real = nodes.map((n) => storeOf(n.state()));
  }
  expect(real).toEqual(simStores);
}, 60_000);
