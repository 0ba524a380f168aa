import type { Operation } from '@faultline/runtime';
import { Rng } from '../rng.ts';
import type { Model } from './model.ts';
import { timedOperations } from './op-windows.ts';
import { wholeStore } from './sequential-store.ts';

export interface ModelHistoryOptions {
  readonly seed: string;
  readonly operations: number;
  readonly clients: number;
  /** Share of operations left without a reply; half of them take effect. Default 0.1. */
  readonly openRatio?: number;
  /** An operation lasts between 1 ms and this long. Default 10. */
  readonly latencyMsMax?: number;
}

/**
 * A linearizable history of any model, made deterministically from a seed: `request`
 * draws each client's requests, each operation takes effect at a random instant inside
 * its window, and its result is what `model` returns there (a keyed model is stepped as
 * the whole store). For tests of the checkers with every model; break one result to get
 * a history that may not be linearizable.
 */
export function randomModelHistory<State, Req, Res>(
  model: Model<State, Req, Res>,
  o: ModelHistoryOptions,
  request: (rng: Rng, client: number, n: number) => Req,
): Operation<Req, Res>[] {
  const rng = new Rng(o.seed);
  const ops = timedOperations<Req, Res>(rng, { operations: o.operations, clients: o.clients, openRatio: o.openRatio ?? 0.1, latencyMsMax: o.latencyMsMax ?? 10 }, (c, n) =>
    request(rng, c, n),
  );
  const whole = (model.key === undefined ? model : wholeStore(model)) as Model<unknown, Req, Res>;
  let state = whole.init();
  for (const { op, applies } of ops.slice().sort((a, b) => a.atMs - b.atMs)) {
    if (!applies) continue;
    const out = whole.step(state, op.req);
    state = out.state;
    if (op.status === 'ok') op.result = out.result;
  }
  return ops.map((x) => x.op).sort((a, b) => a.invokeMs - b.invokeMs);
}
