import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterClient, loadClusterConfig } from '@faultline/runtime/host';
import { freePorts, LocalCluster } from '../examples/kv-cluster/processes.ts';
import { cpuMs, type ClusterBenchOptions } from './cluster.ts';
import { groupTurnsCpuUsPerMsg } from './cluster-group-turns.ts';
import { benchMain } from './node-stats.ts';
import type { Req, Res, State } from '../packages/protocols/group-communication/index.ts';

/**
 * Agreed multicasts per second through group-communication on three `faultline run`
 * processes on loopback (no Ken: the protocol's state is volatile by design; PSK on).
 * Every node joins one group; `CLIENTS` clients, spread over the nodes, each keep one
 * 1 KiB agreed multicast to it in flight; a multicast counts once its sender node has
 * delivered it (the reply). Counted over `MEASURE_MS` after `WARM_MS`; no faults.
 * `cpuMsPerMsg`: CPU time of the three nodes and the clients' process over the window, per
 * delivered multicast (as `cluster.kv.cpuMsPerOp`; the load still raises it: contention, and
 * timers spread over fewer messages: 0.64 to 0.9 ms at load average 3 to 8, 1.25 to 1.5 at 21 to 29);
 * `turnsCpuUsPerMsg`: the share of it that the nodes' turns alone cost (cluster-group-turns.ts). Then,
 * once the load stops, every node must be in the view the measurement started in and
 * have delivered the same sequence in it (count and digest of the view's stream):
 * `cluster.group.sameSequence` is 1 when they did, else 0 (`cluster.group.viewChanged`
 * says whether a view change is why).
 */
const IDS = ['n1', 'n2', 'n3'];
const CLIENTS = 48;
const WARM_MS = 1_500;
const MEASURE_MS = 6_000;
const PAYLOAD_BYTES = 1_024;
const GROUP = 'bench';

function writeGroupConfig(dir: string, ports: readonly number[]): string {
  fs.writeFileSync(path.join(dir, 'cluster.key'), `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  const config = {
    nodes: IDS.map((id, i) => ({ id, address: `127.0.0.1:${ports[i]}` })),
    protocol: { name: 'group-communication' },
    security: { psk: 'cluster.key' },
  };
  const file = path.join(dir, 'cluster.json');
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)); // det-ok: a real clock for a real cluster

async function states(client: ClusterClient): Promise<State[]> {
  return Promise.all(IDS.map(async (id) => (await client.inspect(id)).state as State));
}

/** Waits until `ok` holds of the nodes' states (at most `ms`); returns the last states. */
async function until(client: ClusterClient, ms: number, ok: (s: State[]) => boolean): Promise<State[]> {
  for (let waited = 0; ; waited += 100) {
    const s = await states(client);
    if (ok(s) || waited >= ms) return s;
    await sleep(100);
  }
}

const oneView = (s: State[]) => s.every((x) => !x.blocked && x.view.members.length === IDS.length && x.viewKey === s[0]!.viewKey);
const sameStream = (s: State[]) => oneView(s) && s.every((x) => x.viewStream.count === s[0]!.viewStream.count && x.viewStream.digest === s[0]!.viewStream.digest);

export async function clusterGroupFigures(o: ClusterBenchOptions = {}): Promise<Record<string, number>> {
  const turnsCpuUsPerMsg = groupTurnsCpuUsPerMsg();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-group-'));
  const configFile = writeGroupConfig(dir, await freePorts(IDS.length));
  const config = loadClusterConfig(configFile);
  const cluster = new LocalCluster(configFile, IDS, { quickStart: true, nodeArgs: o.nodeArgs });
  const clients: ClusterClient[] = [];
  try {
    await cluster.start();
    const admin = await ClusterClient.connect({ config, id: 'admin', timeoutMs: 1000, attemptsMax: 8 });
    clients.push(admin);
    const formed = await until(admin, 20_000, oneView);
    if (!oneView(formed)) throw new Error(`bench cluster-group: the nodes did not form one view (${formed.map((s) => s.viewKey).join(', ')})`);
    for (const id of IDS) await admin.request<Res>({ type: 'join', group: GROUP } satisfies Req, { target: id });
    let running = true;
    let delivered = 0;
    let busy = 0;
    const loops: Promise<void>[] = [];
    const padding = 'x'.repeat(PAYLOAD_BYTES);
    for (let i = 0; i < CLIENTS; i++) {
      const client = await ClusterClient.connect({ config, id: `b${i}`, timeoutMs: 2000, attemptsMax: 1 });
      clients.push(client);
      const target = IDS[i % IDS.length]!;
      loops.push(
        (async () => {
          for (let n = 0; running; n++) {
            const payload = `b${i}:${n}:${padding}`.slice(0, PAYLOAD_BYTES);
            const req: Req = { type: 'mcast', service: 'agreed', groups: [GROUP], payload };
            const r = await client.request<Res>(req, { target }).catch(() => null);
            if (r?.result.type === 'delivered') delivered++;
            else if (r?.result.type === 'busy') busy++;
          }
        })(),
      );
    }
    await sleep(WARM_MS);
    const view = (await states(admin))[0]!.viewKey;
    const [d0, b0] = [delivered, busy];
    const t0 = process.hrtime.bigint(); // det-ok: a real clock for a real cluster
    const cpu0 = cpuMs(cluster);
    await sleep(MEASURE_MS);
    const [d1, b1] = [delivered, busy];
    const cpu = cpuMs(cluster) - cpu0;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9; // det-ok: a real clock for a real cluster
    running = false;
    await Promise.all(loops);
    const end = await until(admin, 10_000, sameStream);
    return {
      'cluster.group.msgsPerSec': (d1 - d0) / seconds,
      'cluster.group.busyPerSec': (b1 - b0) / seconds,
      'cluster.group.cpuMsPerMsg': cpu / (d1 - d0),
      'cluster.group.turnsCpuUsPerMsg': turnsCpuUsPerMsg,
      'cluster.group.sameSequence': sameStream(end) && end[0]!.viewKey === view ? 1 : 0,
      // 1 when the view changed after the warm-up (on a loaded machine, heartbeats late past the suspicion timeout).
      'cluster.group.viewChanged': end.some((s) => s.viewKey !== view) ? 1 : 0,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `npx tsx bench/cluster-group.ts [--cpu-prof DIR]`: as bench/cluster.ts. */
if (import.meta.url === `file://${process.argv[1]}`) await benchMain(clusterGroupFigures);
