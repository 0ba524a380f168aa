import type { Operation } from './history.ts';
import type { ClientId, NodeId } from './ids.ts';

/** The deterministic randomness a workload generator may draw from. */
export interface WorkloadRandom {
  random(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/**
 * Simulated (or real) clients: each issues one request at a time, waits up to
 * `timeoutMs` for the reply, retries the same request (same id) up to `retries` times,
 * follows redirects, then pauses `thinkMs` before its next request.
 */
export interface WorkloadSpec<Req = unknown> {
  readonly clients: number;
  readonly thinkMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  /**
   * The `n`th request (from 0) of `client`. `previous` is the client's last operation,
   * finished: with its `result` when it was answered (status `ok`), or given up on (status
   * `timeout`); undefined for the first. A client that carries something from a reply into
   * its next request (a session token, the newest timestamp it has seen) reads it here.
   */
  next(rng: WorkloadRandom, client: ClientId, n: number, previous?: Operation<Req>): Req;
  /** The node a client first sends to (default: spread over the initial nodes). */
  target?(client: ClientId, clientIndex: number, cluster: readonly NodeId[]): NodeId;
}

/**
 * The workload of a protocol that declares none: no clients, so nothing is ever asked
 * for. A protocol without clients (a gossip layer, a failure detector) leaves
 * `workload` out rather than writing a whole spec.
 */
export const NO_WORKLOAD: WorkloadSpec = {
  clients: 0,
  thinkMs: 0,
  timeoutMs: 1,
  retries: 0,
  next() {
    throw new Error('this protocol declares no workload, so it has no requests');
  },
};

/**
 * Every way `w` is not a usable workload spec (empty if it is one). The one check: the
 * protocol definition and a run's resolved workload (the protocol's merged with a
 * scenario's overrides) both go through it. `next` is checked only when `needsNext`
 * (an override carries numbers only).
 */
export function workloadProblems(w: unknown, needsNext = true): string[] {
  if (w === null || typeof w !== 'object') return ['workload must be an object'];
  const s = w as Partial<Record<keyof WorkloadSpec, unknown>>;
  const out: string[] = [];
  if (needsNext && typeof s.next !== 'function') out.push('workload.next must be a function');
  const count = (k: 'clients' | 'retries'): void => {
    if (!(typeof s[k] === 'number' && Number.isInteger(s[k]) && s[k] >= 0)) out.push(`workload.${k} must be an integer >= 0, not ${JSON.stringify(s[k])}`);
  };
  count('clients');
  count('retries');
  if (!(typeof s.thinkMs === 'number' && Number.isFinite(s.thinkMs) && s.thinkMs >= 0))
    out.push(`workload.thinkMs must be a number >= 0, not ${JSON.stringify(s.thinkMs)}`);
  if (!(typeof s.timeoutMs === 'number' && Number.isFinite(s.timeoutMs) && s.timeoutMs > 0))
    out.push(`workload.timeoutMs must be a positive number (a client waits that long for a reply), not ${JSON.stringify(s.timeoutMs)}`);
  if (s.target !== undefined && typeof s.target !== 'function') out.push('workload.target must be a function when given');
  return out;
}
