import type { Operation } from '@faultline/runtime';
import type { Rng } from '../rng.ts';

/** One generated operation, with the instant it takes effect and whether it does. */
export interface Timed<Req, Res> {
  readonly op: Operation<Req, Res>;
  readonly atMs: number;
  readonly applies: boolean;
}

export interface WindowOptions {
  readonly operations: number;
  readonly clients: number;
  /** Share of operations left without a reply (status `timeout`); half of them take effect. */
  readonly openRatio: number;
  /** An operation lasts between 1 ms and this long. */
  readonly latencyMsMax: number;
}

/**
 * The operations of generated histories, before results: clients issue one operation at
 * a time, each with a window (invocation, completion) and a random instant inside it at
 * which it takes effect; an open operation takes effect or not, and its client moves on
 * later as a new process would (Jepsen's rule). `request(client, n)` draws each request.
 * The caller replays the operations in `atMs` order against its model to fill in results.
 */
export function timedOperations<Req, Res>(rng: Rng, o: WindowOptions, request: (client: number, n: number) => Req): Timed<Req, Res>[] {
  const clock = new Array<number>(o.clients).fill(0);
  const ops: Timed<Req, Res>[] = [];
  for (let n = 0; n < o.operations; n++) {
    const c = rng.int(o.clients);
    const invokeMs = clock[c]! + rng.between(0, o.latencyMsMax / 2);
    const completeMs = invokeMs + rng.between(1, o.latencyMsMax);
    const req = request(c, n);
    const open = rng.chance(o.openRatio);
    const op: Operation<Req, Res> = { id: `r${n}`, client: `c${c}`, req, invokeMs, status: open ? 'timeout' : 'ok', attempts: 1 };
    if (!open) op.completeMs = completeMs;
    ops.push({ op, atMs: rng.between(invokeMs, completeMs), applies: !open || rng.chance(0.5) });
    clock[c] = open ? completeMs + o.latencyMsMax : completeMs;
  }
  return ops;
}
