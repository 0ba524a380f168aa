/**
 * The kv-cluster example: three primary-backup nodes with Ken on loopback (cluster.json),
 * three clients writing and reading, a status line a second, and optionally a node killed
 * with SIGKILL and restarted every few seconds. At the end (Ctrl-C or --seconds) it checks
 * that no acknowledged write was lost or applied twice and that the replicas agree.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterClient, loadClusterConfig } from '@faultline/runtime/host';
import { emptyLog, kvProblems, runKvClient, settledStores, type KvClientLog } from './kv-workload.ts';
import { LocalCluster } from './processes.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CONFIG = path.join(HERE, 'cluster.json');
const DATA = path.join(HERE, '.data');
const CLIENTS = 3;
/** With --chaos: the pause between a restart and the next crash. */
const CHAOS_PAUSE_MS = 3000;

export interface ExampleOptions {
  readonly chaos: boolean;
  /** Stop after this long (default: at Ctrl-C). */
  readonly seconds?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)); // det-ok: a real clock for a real cluster

export async function runExample(o: ExampleOptions): Promise<number> {
  fs.mkdirSync(DATA, { recursive: true });
  const keyFile = path.join(DATA, 'cluster.key');
  if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  const config = loadClusterConfig(CONFIG);
  const ids = config.nodes.map((n) => n.id);
  const cluster = new LocalCluster(CONFIG, ids, {
    dataRoot: DATA,
    onLine: (id, line) => {
      if (!line.includes('connection with client')) console.log(`  [${id}] ${line}`);
    },
  });
  console.log(`starting ${ids.join(', ')} with Ken in ${path.relative(process.cwd(), DATA)}/ ...`);
  await cluster.start();

  let running = true;
  let answered = 0;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    if (o.seconds !== undefined) setTimeout(resolve, o.seconds * 1000); // det-ok: a real clock for a real cluster
  });
  void stop.then(() => (running = false));

  const logs: KvClientLog[] = [];
  const clients: ClusterClient[] = [];
  const loops: Promise<void>[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const client = await ClusterClient.connect({ config, timeoutMs: 400, attemptsMax: 8 });
    clients.push(client);
    const log = emptyLog();
    logs.push(log);
    loops.push(runKvClient(client, { random: Math.random, keepGoing: () => running, log, onOp: () => answered++ })); // det-ok: the demo needs no seed
  }
  const status = setInterval(() => { // det-ok: a real clock for a real cluster
    const acked = logs.reduce((n, l) => n + l.ackedPuts.length, 0);
    const gets = logs.reduce((n, l) => n + l.gets, 0);
    const timeouts = logs.reduce((n, l) => n + l.timeouts, 0);
    console.log(`clients: ${answered} answered (${acked} puts, ${gets} gets), ${timeouts} gave up`);
  }, 1000);

  const chaos = o.chaos
    ? (async () => {
        while (running) {
          await sleep(CHAOS_PAUSE_MS);
          if (!running) break;
          const id = ids[Math.floor(Math.random() * ids.length)]!; // det-ok: the demo needs no seed
          console.log(`chaos: kill -9 ${id}, then restart it from its data dir`);
          await cluster.crashAndRestart(id);
        }
      })()
    : Promise.resolve();

  await stop;
  await Promise.all([...loops, chaos]);
  clearInterval(status);
  const stores = await settledStores(clients[0]!, ids, 50);
  const problems = kvProblems(stores, logs);
  await Promise.all(clients.map((c) => c.close()));
  await cluster.stop();
  const acked = logs.reduce((n, l) => n + l.ackedPuts.length, 0);
  if (problems.length === 0) {
    console.log(`ok: ${acked} acknowledged writes, all present exactly once; the ${ids.length} replicas agree (${stores[ids[0]!]!.seq} ops)`);
    return 0;
  }
  console.log(`PROBLEMS:\n${problems.join('\n')}`);
  return 1;
}
