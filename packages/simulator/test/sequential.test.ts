import type { Operation } from '@faultline/runtime';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCausal, checkLinearizability, checkSequential, kvModel, randomKvHistory, sequentiallyConsistent, type KvReq, type KvRes } from '../src/index.ts';

type Op = Operation<KvReq, KvRes>;
let nextId = 0;
function done(client: string, req: KvReq, invokeMs: number, completeMs: number, result: KvRes): Op {
  return { id: `r${nextId++}`, client, req, invokeMs, completeMs, status: 'ok', result, attempts: 1 };
}
function open(client: string, req: KvReq, invokeMs: number): Op {
  return { id: `r${nextId++}`, client, req, invokeMs, status: 'timeout', attempts: 1 };
}
const put = (key: string, value: string): KvReq => ({ type: 'put', key, value });
const get = (key: string): KvReq => ({ type: 'get', key });
const ok: KvRes = { type: 'put-ok' };
const got = (value: string | null): KvRes => ({ type: 'get-ok', value });
const outcome = (history: Op[], maxSteps?: number) => checkSequential(history, kvModel, maxSteps === undefined ? {} : { maxSteps }).outcome;

describe('sequential consistency: litmus histories', () => {
  it('a stale read that real time forbids is fine when only program order counts', () => {
    const history = [done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 20, 30, got(null))];
    expect(checkLinearizability(history, kvModel).outcome).toBe('violation');
    expect(outcome(history)).toBe('ok');
  });

  it('store buffering (Dekker): both clients miss the other write; each key alone is fine, the whole is not', () => {
    const x = [done('c1', put('x', '1'), 0, 10, ok), done('c2', get('x'), 20, 30, got(null))];
    const y = [done('c2', put('y', '1'), 0, 10, ok), done('c1', get('y'), 20, 30, got(null))];
    expect(outcome(x)).toBe('ok');
    expect(outcome(y)).toBe('ok');
    const r = checkSequential([x[0]!, y[0]!, x[1]!, y[1]!], kvModel);
    expect(r.outcome).toBe('violation');
    if (r.outcome !== 'violation') return;
    expect(r.operations).toHaveLength(4);
    expect(r.minimal).toBe(true);
    expect(r.explanation).toMatch(/^not sequentially consistent: these \d operations cannot all take effect, in one order that keeps each client's operations in the order it issued them/);
    // Causal consistency allows it: neither write is causally before the other client's read.
    expect(checkCausal([x[0]!, y[0]!, x[1]!, y[1]!]).outcome).toBe('ok');
  });

  it('independent reads of independent writes (IRIW) seen in opposite orders', () => {
    const history = [
      done('w1', put('x', '1'), 0, 10, ok),
      done('w2', put('y', '1'), 0, 10, ok),
      done('r1', get('x'), 0, 10, got('1')),
      done('r1', get('y'), 20, 30, got(null)),
      done('r2', get('y'), 0, 10, got('1')),
      done('r2', get('x'), 20, 30, got(null)),
    ];
    expect(outcome(history)).toBe('violation');
    expect(checkCausal(history).outcome).toBe('ok');
    expect(outcome(history.slice(0, 4))).toBe('ok');
  });

  it("a client's own order is kept: two writes read back in the opposite order", () => {
    const history = [done('c1', put('a', '1'), 0, 10, ok), done('c1', put('a', '2'), 20, 30, ok), done('c2', get('a'), 0, 5, got('2')), done('c2', get('a'), 40, 50, got('1'))];
    expect(outcome(history)).toBe('violation');
  });

  it('a timed-out write may take effect late, after its client moved on, or never', () => {
    const history = [open('c1', put('a', '1'), 0), done('c1', put('a', '2'), 600, 610, ok), done('c2', get('a'), 700, 710, got('2')), done('c2', get('a'), 800, 810, got('1'))];
    expect(outcome(history)).toBe('ok');
    expect(outcome(history.slice(1, 3))).toBe('ok');
  });

  it('a history built to explode comes back unknown within its budget', () => {
    const history = Array.from({ length: 30 }, (_, i) => done(`c${i}`, put('a', `v${i}`), 0, 1_000, ok));
    history.push(done('r', get('a'), 0, 1_000, got('nobody')));
    expect(checkSequential(history, kvModel, { maxSteps: 5_000 })).toMatchObject({ outcome: 'unknown', reason: expect.stringMatching(/^budget exhausted after \d+ steps$/) });
  });
});

describe('sequential consistency: generated histories', () => {
  it('random linearizable histories are sequentially consistent', () => {
    for (const seed of ['a', 'b', 'c']) expect(outcome(randomKvHistory({ seed, operations: 2_000, clients: 5, keys: 4 }))).toBe('ok');
  });

  it('histories that break real time but keep program order are found sequentially consistent by the search itself', () => {
    for (const seed of ['a', 'b']) {
      const h = randomKvHistory({ seed, operations: 200, clients: 3, keys: 2, timeoutRatio: 0 });
      // Client c0 runs a long time later: its operations keep their order, real time is broken.
      const shifted = h.map((o) => (o.client === 'c0' ? { ...o, invokeMs: o.invokeMs + 1e6, completeMs: o.completeMs! + 1e6 } : o)).sort((a, b) => a.invokeMs - b.invokeMs);
      expect(checkLinearizability(shifted, kvModel, { shrink: false }).outcome).toBe('violation');
      expect(outcome(shifted)).toBe('ok');
    }
  });

  it('a corrupted read is a violation, shrunk to that read (proving a violation needs the whole search: small histories only)', () => {
    const history = randomKvHistory({ seed: 'corrupt', operations: 24, clients: 3, keys: 2, timeoutRatio: 0 });
    const victim = history.filter((o) => o.req.type === 'get' && o.result?.type === 'get-ok' && o.result.value !== null)[3]!;
    victim.result = got('never-written');
    const r = checkSequential(history, kvModel);
    expect(r).toMatchObject({ outcome: 'violation', core: [victim], minimal: true });
  });

  it('linearizable implies sequential implies causal, on small generated histories', () => {
    const arbOp = fc.record({ client: fc.integer({ min: 0, max: 2 }), key: fc.constantFrom('a', 'b'), write: fc.boolean(), read: fc.integer({ min: -1, max: 5 }), at: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 1, max: 30 }) });
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 9 }), (specs) => {
        const clock = [0, 0, 0];
        const history = specs.map((s, n): Op => {
          const invokeMs = clock[s.client]! + s.at;
          clock[s.client] = invokeMs + s.len;
          const req = s.write ? put(s.key, `v${n}`) : get(s.key);
          return done(`c${s.client}`, req, invokeMs, invokeMs + s.len, s.write ? ok : got(s.read < 0 ? null : `v${s.read}`));
        });
        history.sort((a, b) => a.invokeMs - b.invokeMs);
        const lin = checkLinearizability(history, kvModel).outcome;
        const seq = outcome(history);
        const causal = checkCausal(history).outcome;
        if (lin === 'ok') expect(seq).toBe('ok');
        if (seq === 'ok') expect(causal).toBe('ok');
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

describe('the sequential property', () => {
  const view = (history: Op[]) => ({ nowMs: 0, nodes: [], history, phase: 'quiescent' as const });
  it('passes a sequentially consistent history and reports a violation', () => {
    const p = sequentiallyConsistent<unknown, KvReq, KvRes>('sequential', kvModel);
    expect(p.check(view([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 20, 30, got(null))]))).toBe(true);
    expect(p.check(view([done('c1', put('a', '1'), 0, 10, ok), done('c1', get('a'), 20, 30, got(null))]))).toMatch(/^not sequentially consistent/);
  });
});
