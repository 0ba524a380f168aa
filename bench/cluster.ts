import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterClient, loadClusterConfig } from '@faultline/runtime/host';
import { emptyLog, runKvClient } from '../examples/kv-cluster/kv-workload.ts';
import { freePorts, LocalCluster, writeKvConfig } from '../examples/kv-cluster/processes.ts';
import { benchMain, NodeStats, processCpuMs } from './node-stats.ts';

/**
 * Client operations per second on the kv-cluster example: three `faultline run --ken`
 * processes on loopback (primary-backup, PSK, a checkpoint fdatasynced per group commit on
 * every node), `CLIENTS` clients each with one request in flight, 70% puts. Counted over
 * `MEASURE_MS` after a warm-up: until every client has had an answer (the first view forms
 * and each client finds the primary, which on a loaded machine took over 2 s and used to
 * fall inside the window), then `WARM_MS`; no faults. Latency percentiles are over the
 * requests answered in the measured window (from send to reply, retries included).
 * `cpuMsPerOp` is the CPU time of the three node processes and the clients' process over the
 * window, per answered request (a figure the machine's load does not inflate); the
 * `primary*`/`backup*` figures (from the nodes' stats when they stop, whole run) say where a
 * request's time goes: see docs/network.md.
 */
const IDS = ['n1', 'n2', 'n3'];
const CLIENTS = 32;
const WARM_MS = 1_500;
const MEASURE_MS = 6_000;
/** The longest wait for every client's first answer. */
const READY_TIMEOUT_MS = 60_000;

export interface ClusterBenchOptions {
  /** Extra node flags for the three node processes, e.g. `['--cpu-prof', '--cpu-prof-dir', dir]`. */
  readonly nodeArgs?: readonly string[];
}

export async function clusterFigures(o: ClusterBenchOptions = {}): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-cluster-'));
  const configFile = writeKvConfig(dir, IDS, await freePorts(IDS.length), randomBytes(24).toString('hex'));
  const config = loadClusterConfig(configFile);
  const stats = new NodeStats();
  const cluster = new LocalCluster(configFile, IDS, { dataRoot: path.join(dir, 'data'), quickStart: true, onLine: stats.onLine, nodeArgs: o.nodeArgs });
  const clients: ClusterClient[] = [];
  try {
    await cluster.start();
    let running = true;
    let answered = 0;
    let measuring = false;
    const latenciesMs: number[] = [];
    const loops: Promise<void>[] = [];
    let unanswered = CLIENTS;
    let allAnswered: () => void = () => {};
    const ready = new Promise<void>((resolve) => (allAnswered = resolve));
    for (let i = 0; i < CLIENTS; i++) {
      const client = await ClusterClient.connect({ config, id: `b${i}`, timeoutMs: 1000, attemptsMax: 8 });
      clients.push(client);
      let x = i + 1;
      const random = () => ((x = (x * 48271) % 2147483647) / 2147483647);
      let sentAt = process.hrtime.bigint(); // det-ok: a real clock for a real cluster
      let first = true;
      const onOp = () => {
        const now = process.hrtime.bigint(); // det-ok: a real clock for a real cluster
        answered++;
        if (first && --unanswered === 0) allAnswered();
        first = false;
        if (measuring) latenciesMs.push(Number(now - sentAt) / 1e6);
        sentAt = now;
      };
      loops.push(runKvClient(client, { random, keepGoing: () => running, log: emptyLog(), onOp }));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${unanswered} of ${CLIENTS} clients got no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS); // det-ok: a real clock for a real cluster
    });
    try {
      await Promise.race([ready, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, WARM_MS)); // det-ok: a real clock for a real cluster
    const before = answered;
    measuring = true;
    const t0 = process.hrtime.bigint(); // det-ok: a real clock for a real cluster
    const cpu0 = cpuMs(cluster);
    await new Promise((r) => setTimeout(r, MEASURE_MS)); // det-ok: a real clock for a real cluster
    const ops = answered - before;
    const cpu = cpuMs(cluster) - cpu0;
    measuring = false;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9; // det-ok: a real clock for a real cluster
    running = false;
    await Promise.all(loops);
    latenciesMs.sort((a, b) => a - b);
    await Promise.all(clients.map((c) => c.close()));
    await cluster.stop();
    return {
      'cluster.kv.opsPerSec': ops / seconds,
      'cluster.kv.p50Ms': percentile(latenciesMs, 0.5),
      'cluster.kv.p99Ms': percentile(latenciesMs, 0.99),
      'cluster.kv.cpuMsPerOp': cpu / ops,
      ...stats.breakdown('cluster.kv'),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU ms so far of the node processes and this one (NaN where /proc is missing). */
export function cpuMs(cluster: LocalCluster): number {
  const own = process.cpuUsage();
  return cluster.nodes.reduce((sum, n) => sum + (processCpuMs(n.pid) ?? Number.NaN), (own.user + own.system) / 1000);
}

/** The `q` quantile of ascending `sorted` (nearest rank); NaN when empty. */
function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** `npx tsx bench/cluster.ts [--cpu-prof DIR]`: the figures as JSON; with `--cpu-prof`, each node writes a CPU profile into DIR. */
if (import.meta.url === `file://${process.argv[1]}`) await benchMain(clusterFigures);
