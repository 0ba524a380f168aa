/**
 * A key-value client loop for the primary-backup cluster: one request at a time (the
 * protocol keeps one session per client id and numbers its requests with `seq`), puts of
 * values unique across the run (`<client>:<n>`) and gets, with the outcome of each kept
 * so a checker can tell a lost or a doubled write.
 */
import { ClientTimeoutError, type ClusterClient } from '@faultline/runtime/host';

export const KEYS = ['a', 'b', 'c', 'd'] as const;

export type KvReq = { type: 'put'; key: string; value: string; seq: number } | { type: 'get'; key: string; seq: number };
export type KvRes = { type: 'put-ok' } | { type: 'get-ok'; value: string | null };

/** What one client saw. */
export interface KvClientLog {
  /** Puts that were acknowledged: the write must be in the final state, exactly once. */
  readonly ackedPuts: { key: string; value: string }[];
  /** Puts with no reply after every attempt: they may or may not have taken effect. */
  readonly unknownPuts: { key: string; value: string }[];
  gets: number;
  /** Requests that got no reply after every attempt. */
  timeouts: number;
}

export function emptyLog(): KvClientLog {
  return { ackedPuts: [], unknownPuts: [], gets: 0, timeouts: 0 };
}

/** The `n`th request of `client`: 70% puts. `random` is the client's own stream. */
export function kvRequest(client: string, n: number, random: () => number): KvReq {
  const key = KEYS[Math.floor(random() * KEYS.length)]!;
  return random() < 0.7 ? { type: 'put', key, value: `${client}:${n}`, seq: n } : { type: 'get', key, seq: n };
}

/**
 * Runs requests on `client` until `keepGoing()` is false (checked before each request)
 * or `opsMax` requests were made. Calls `onOp` after each answered one.
 */
export async function runKvClient(
  client: ClusterClient,
  o: { random: () => number; keepGoing: () => boolean; opsMax?: number; log: KvClientLog; onOp?: () => void },
): Promise<void> {
  for (let n = 0; n < (o.opsMax ?? Infinity) && o.keepGoing(); n++) {
    const req = kvRequest(client.id, n, o.random);
    try {
      await client.request<KvRes>(req);
      if (req.type === 'put') o.log.ackedPuts.push({ key: req.key, value: req.value });
      else o.log.gets++;
      o.onOp?.();
    } catch (err) {
      if (!(err instanceof ClientTimeoutError)) throw err;
      o.log.timeouts++;
      if (req.type === 'put') o.log.unknownPuts.push({ key: req.key, value: req.value });
    }
  }
}

/** The replicated part of a primary-backup node's state. */
export interface KvStore {
  readonly seq: number;
  readonly data: Record<string, string[]>;
}

/**
 * Every node's store, asked for until they all hold the same data (at most `tries` rounds,
 * `pauseMs` apart): replicas that are still catching up get the time to.
 */
export async function settledStores(client: ClusterClient, ids: readonly string[], tries = 100, pauseMs = 200): Promise<Record<string, KvStore>> {
  let stores: Record<string, KvStore> = {};
  for (let i = 0; i < tries; i++) {
    stores = {};
    for (const id of ids) stores[id] = ((await client.inspect(id)).state as { store: KvStore }).store;
    if (new Set(Object.values(stores).map((s) => JSON.stringify(s.data))).size === 1) break;
    await new Promise((r) => setTimeout(r, pauseMs)); // det-ok: a real clock for a real cluster
  }
  return stores;
}

/**
 * Every way the final stores break the clients' logs: an acknowledged write missing, a
 * write applied twice, replicas that differ. Empty when all is well.
 */
export function kvProblems(stores: Record<string, KvStore>, logs: readonly KvClientLog[]): string[] {
  const problems: string[] = [];
  const entries = Object.entries(stores);
  const [firstId, first] = entries[0]!;
  for (const [id, s] of entries.slice(1)) {
    if (s.seq !== first.seq || JSON.stringify(sorted(s.data)) !== JSON.stringify(sorted(first.data))) {
      problems.push(`replicas differ: ${firstId} has ${first.seq} ops, ${id} has ${s.seq}`);
    }
  }
  for (const [id, s] of entries) {
    for (const [key, values] of Object.entries(s.data)) {
      const seen = new Set<string>();
      for (const v of values) {
        if (seen.has(v)) problems.push(`${id}: ${key} = ${v} was applied twice`);
        seen.add(v);
      }
    }
    for (const log of logs) {
      for (const p of log.ackedPuts) if (!(s.data[p.key] ?? []).includes(p.value)) problems.push(`${id}: acknowledged write ${p.key} = ${p.value} is lost`);
    }
  }
  return problems.slice(0, 20);
}

function sorted(data: Record<string, string[]>): [string, string[]][] {
  return Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
