import type { Operation } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import {
  Rng,
  appendModel,
  checkLinearizability,
  checkSequential,
  deepEqual,
  kvModel,
  queueModel,
  randomModelHistory,
  setModel,
  type Model,
} from '../src/index.ts';
import { wholeStore } from '../src/checkers/sequential-store.ts';

type AnyModel = Model<unknown, unknown, unknown>;
type Op = Operation<unknown, unknown>;

/** Per model: how generated requests look and how one result is broken. */
interface Case {
  readonly name: string;
  readonly model: AnyModel;
  request(rng: Rng, client: number, n: number): unknown;
  /** A changed copy of a read-like result, or undefined when this result has nothing to break. */
  corrupt(result: unknown, rng: Rng): unknown;
  /** Operations in the 'as made' check (default 100): a queue's search grows fastest. */
  readonly large?: number;
}

const pick = <T>(rng: Rng, xs: readonly T[]) => xs[rng.int(xs.length)]!;
const CASES: readonly Case[] = [
  {
    name: 'kv',
    model: kvModel as AnyModel,
    request: (rng, c, n) => {
      const key = pick(rng, ['a', 'b']);
      const r = rng.random();
      return r < 0.45 ? { type: 'get', key } : r < 0.8 ? { type: 'put', key, value: `${c}.${n}` } : { type: 'cas', key, expected: pick(rng, [null, '0.0', '1.1']), value: `${c}.${n}` };
    },
    corrupt: (res, rng) => ((res as { type: string }).type === 'get-ok' ? { type: 'get-ok', value: pick(rng, [null, '0.0', '1.1', '2.2', 'never']) } : undefined),
  },
  {
    name: 'cas-register',
    model: kvModel as AnyModel,
    request: (rng) => {
      const r = rng.random();
      const v = () => String(rng.int(3));
      return r < 0.4 ? { type: 'get', key: 'r' } : r < 0.7 ? { type: 'put', key: 'r', value: v() } : { type: 'cas', key: 'r', expected: v(), value: v() };
    },
    corrupt: (res, rng) => ((res as { type: string }).type === 'get-ok' ? { type: 'get-ok', value: pick(rng, [null, '0', '1', '2']) } : undefined),
  },
  {
    name: 'append',
    model: appendModel as AnyModel,
    request: (rng, c, n) => {
      const key = pick(rng, ['x', 'y']);
      const ops = rng.chance(0.5) ? [['append', key, `${c}.${n}`]] : rng.chance(0.5) ? [['r', key, null]] : [['append', key, `${c}.${n}`], ['r', key, null]];
      return { type: 'txn', ops };
    },
    corrupt: (res, rng) => {
      const reads = (res as { reads: (unknown[] | null | undefined)[] }).reads;
      const i = reads.findIndex((r) => r !== undefined);
      if (i < 0) return undefined;
      const list = reads[i] ?? [];
      const broken = list.length > 1 && rng.chance(0.5) ? [list[1], list[0], ...list.slice(2)] : list.length > 0 ? list.slice(0, -1) : ['ghost'];
      return { type: 'txn-ok', reads: reads.map((r, j) => (j === i ? broken : r)) };
    },
  },
  {
    name: 'set',
    model: setModel as AnyModel,
    request: (rng, c, n) => (rng.chance(0.6) ? { type: 'add', value: `${c}.${n}` } : { type: 'read' }),
    corrupt: (res, rng) => {
      const r = res as { type: string; values?: unknown[] };
      if (r.type !== 'read-ok') return undefined;
      const values = r.values!;
      return { type: 'read-ok', values: values.length > 0 && rng.chance(0.7) ? values.slice(1) : [...values, 'ghost'] };
    },
  },
  {
    name: 'queue',
    model: queueModel as AnyModel,
    large: 40,
    request: (rng, c, n) => (rng.chance(0.55) ? { type: 'enqueue', value: `${c}.${n}` } : { type: 'dequeue' }),
    corrupt: (res, rng) => {
      const r = res as { type: string; value?: unknown };
      if (r.type === 'enqueue-ok') return undefined;
      return r.type === 'empty' ? { type: 'dequeue-ok', value: 'ghost' } : rng.chance(0.5) ? { type: 'empty' } : { type: 'dequeue-ok', value: 'ghost' };
    },
  },
];

/** A generated history, with one read-like result broken when `broken` (the verdict then depends on the history). */
function generated(c: Case, seed: string, operations: number, broken: boolean, openRatio = 0.15): Op[] {
  const ops = randomModelHistory(c.model, { seed, operations, clients: 3, openRatio, latencyMsMax: 8 }, c.request);
  if (!broken) return ops;
  const rng = new Rng(`${seed}/break`);
  const candidates = ops.filter((op) => op.status === 'ok' && c.corrupt(op.result, rng) !== undefined);
  if (candidates.length > 0) {
    const op = pick(rng, candidates);
    op.result = c.corrupt(op.result, rng);
  }
  return ops;
}

/**
 * Brute force: every order of the operations (each open one in it or left out) that
 * `mayFollow` allows, stepped through the model from the start; a completed operation
 * must get its result. Exponential, for a handful of operations only.
 */
function bruteForce(ops: readonly Op[], model: AnyModel, mayFollow: (placed: readonly Op[], next: Op, rest: readonly Op[]) => boolean): boolean {
  const whole = (model.key === undefined ? model : wholeStore(model)) as AnyModel;
  const equal = whole.equalResults ?? deepEqual;
  const go = (state: unknown, placed: Op[], rest: Op[]): boolean => {
    if (rest.every((op) => op.status !== 'ok')) return true;
    for (const next of rest) {
      const others = rest.filter((op) => op !== next);
      if (!mayFollow(placed, next, others)) continue;
      const out = whole.step(state, next.req);
      const fits = next.status !== 'ok' || equal(out.result, next.result);
      if (fits && go(out.state, [...placed, next], others)) return true;
      // An open operation may also never take effect: leave it out.
      if (next.status !== 'ok' && go(state, placed, others)) return true;
    }
    return false;
  };
  return go(whole.init(), [], ops.slice());
}

/** Real time: nothing still to place completed before `next` was invoked. */
const realTime = (_placed: readonly Op[], next: Op, rest: readonly Op[]) => rest.every((op) => op.status !== 'ok' || op.completeMs! >= next.invokeMs);
/** Each client's order: no completed operation of the client invoked before `next` is still to place. */
const clientOrder = (_placed: readonly Op[], next: Op, rest: readonly Op[]) => rest.every((op) => op.client !== next.client || op.status !== 'ok' || op.invokeMs > next.invokeMs);

describe.each(CASES)('generated $name histories', (c) => {
  it('are linearizable as made, at up to a hundred operations', () => {
    // Few open operations: an add or enqueue nobody observes doubles the states to search.
    for (const seed of ['a', 'b', 'c']) expect(checkLinearizability(generated(c, seed, c.large ?? 100, false, 0.05), c.model).outcome).toBe('ok');
  });

  it('agree with a brute-force check when small, linearizable or not', () => {
    const verdicts = new Set<boolean>();
    for (let s = 0; s < 60; s++) {
      const ops = generated(c, `small-${s}`, 6, s % 3 !== 0);
      const brute = bruteForce(ops, c.model, realTime);
      const r = checkLinearizability(ops, c.model);
      expect(r.outcome === 'ok', `seed small-${s}`).toBe(brute);
      verdicts.add(brute);
    }
    expect([...verdicts].sort()).toEqual([false, true]);
  });

  it('agree with a brute-force sequential consistency check when small', () => {
    const verdicts = new Set<boolean>();
    for (let s = 0; s < 40; s++) {
      const ops = generated(c, `seq-${s}`, 6, true);
      const brute = bruteForce(ops, c.model, clientOrder);
      expect(checkSequential(ops, c.model).outcome === 'ok', `seed seq-${s}`).toBe(brute);
      verdicts.add(brute);
    }
    expect(verdicts.has(false)).toBe(true);
  });
});
