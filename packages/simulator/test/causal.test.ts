import type { Operation } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { causallyConsistent, checkCausal, randomKvHistory, type KvReq, type KvRes } from '../src/index.ts';

type Op = Operation<KvReq, KvRes>;
let nextId = 0;
function done(client: string, req: KvReq, result: KvRes, invokeMs = nextId): Op {
  return { id: `r${nextId++}`, client, req, invokeMs, completeMs: invokeMs + 1, status: 'ok', result, attempts: 1 };
}
const put = (key: string, value: string): KvReq => ({ type: 'put', key, value });
const get = (key: string): KvReq => ({ type: 'get', key });
const ok: KvRes = { type: 'put-ok' };
const got = (value: string | null): KvRes => ({ type: 'get-ok', value });
const anomaly = (history: Op[]) => {
  const r = checkCausal(history);
  return r.outcome === 'violation' ? r.anomaly : r.outcome;
};

describe('causal consistency: the anomalies', () => {
  it('a read of a value nobody wrote (ThinAirRead)', () => {
    const r = checkCausal([done('c1', put('a', '1'), ok), done('c2', get('a'), got('2'))]);
    expect(r).toMatchObject({ outcome: 'violation', anomaly: 'thin-air-read' });
    // A value written to another key is out of thin air for this one.
    expect(anomaly([done('c1', put('b', '1'), ok), done('c2', get('a'), got('1'))])).toBe('thin-air-read');
  });

  it('a read of its own client\'s later write (CyclicCO)', () => {
    const history = [done('c1', get('a'), got('1')), done('c1', put('a', '1'), ok)];
    const r = checkCausal(history);
    expect(r).toMatchObject({ outcome: 'violation', anomaly: 'cyclic-co', operations: history });
  });

  it('the initial value read after a causally earlier write, seen through another key (WriteCOInitRead)', () => {
    const history = [done('c1', put('a', '1'), ok), done('c1', put('b', '1'), ok), done('c2', get('b'), got('1')), done('c2', get('a'), got(null))];
    const r = checkCausal(history);
    expect(r).toMatchObject({ outcome: 'violation', anomaly: 'write-co-init-read', operations: history });
    if (r.outcome !== 'violation') return;
    expect(r.explanation).toContain(`c2 ${history[3]!.id} read the initial value (null) of key "a", but c1 ${history[0]!.id} wrote the key causally before the read`);
  });

  it('an overwritten value read after the overwrite is causally known (WriteCORead)', () => {
    const history = [done('c1', put('a', '1'), ok), done('c1', put('a', '2'), ok), done('c1', put('b', '1'), ok), done('c2', get('b'), got('1')), done('c2', get('a'), got('1'))];
    expect(anomaly(history)).toBe('write-co-read');
    // Without the read of b, c2 does not know of the overwrite: fine.
    expect(anomaly(history.filter((_, i) => i !== 3))).toBe('ok');
  });

  it('read-your-writes: a client misses its own write', () => {
    expect(anomaly([done('c1', put('a', '1'), ok), done('c1', get('a'), got(null))])).toBe('read-your-writes');
    expect(anomaly([done('c2', put('a', '0'), ok), done('c1', get('a'), got('0')), done('c1', put('a', '1'), ok), done('c1', get('a'), got('0'))])).toBe('read-your-writes');
  });

  it('monotonic reads: a client reads an older value after a newer one', () => {
    const history = [done('c1', put('a', '1'), ok), done('c1', put('a', '2'), ok), done('c2', get('a'), got('2')), done('c2', get('a'), got('1'))];
    expect(anomaly(history)).toBe('monotonic-reads');
    expect(anomaly([done('c1', put('a', '1'), ok), done('c2', get('a'), got('1')), done('c2', get('a'), got(null))])).toBe('monotonic-reads');
  });
});

describe('causal consistency: what it allows', () => {
  it('concurrent writes seen in different orders by different clients', () => {
    const history = [done('w1', put('a', 'x'), ok), done('w2', put('a', 'y'), ok), done('r1', get('a'), got('x')), done('r1', get('a'), got('y')), done('r2', get('a'), got('y')), done('r2', get('a'), got('x'))];
    expect(anomaly(history)).toBe('ok');
  });

  it('a stale read of a write the reader does not causally know', () => {
    expect(anomaly([done('c1', put('a', '1'), ok), done('c2', get('a'), got(null), 100)])).toBe('ok');
  });

  it('a timed-out write that was read: it may have taken effect after its client moved on', () => {
    const lost: Op = { id: 'lost', client: 'c1', req: put('a', '1'), invokeMs: 0, status: 'timeout', attempts: 3 };
    expect(anomaly([lost, done('c1', put('a', '2'), ok), done('c2', get('a'), got('2')), done('c2', get('a'), got('1'))])).toBe('ok');
    expect(anomaly([lost, done('c2', get('a'), got('1')), done('c2', get('a'), got(null))])).toBe('monotonic-reads');
  });

  it('reused values make the check impossible, and say so', () => {
    expect(checkCausal([done('c1', put('a', '1'), ok), done('c2', put('a', '1'), ok)])).toMatchObject({ outcome: 'unknown', reason: expect.stringMatching(/^values are not unique/) });
  });

  it('random linearizable histories are causally consistent, and a corrupted read in one is caught', () => {
    for (const seed of ['a', 'b', 'c']) expect(anomaly(randomKvHistory({ seed, operations: 5_000, clients: 6, keys: 4 }))).toBe('ok');
    const history = randomKvHistory({ seed: 'd', operations: 2_000, clients: 4, keys: 2 });
    // Make one client read back its own first write after it overwrote it.
    const mine = history.filter((o) => o.client === 'c0' && o.status === 'ok' && o.req.type === 'put' && o.req.key === 'k0');
    const after = history.find((o) => o.client === 'c0' && o.status === 'ok' && o.req.type === 'get' && o.req.key === 'k0' && o.invokeMs > mine[1]!.invokeMs)!;
    after.result = got((mine[0]!.req as { value: string }).value);
    const r = checkCausal(history);
    expect(r.outcome).toBe('violation');
    if (r.outcome === 'violation') expect(r.operations).toContain(after);
  });
});

describe('the causal property', () => {
  it('reports the explanation', () => {
    const p = causallyConsistent('causal');
    const view = (history: Op[]) => ({ nowMs: 0, nodes: [], history, phase: 'quiescent' as const });
    expect(p.check(view([done('c1', put('a', '1'), ok)]))).toBe(true);
    expect(p.check(view([done('c1', put('a', '1'), ok), done('c1', get('a'), got(null))]))).toMatch(/^not causally consistent \(read-your-writes\)/);
  });
});
