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
