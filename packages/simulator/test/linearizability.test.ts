import type { Operation } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { checkLinearizability, kvModel, linearizable, randomKvHistory, type KvReq, type KvRes, type LinearizabilityResult } from '../src/index.ts';

type Op = Operation<KvReq, KvRes>;
let nextId = 0;

/** A completed operation: `client` ran `req` from `invokeMs` to `completeMs` and got `result`. */
function done(client: string, req: KvReq, invokeMs: number, completeMs: number, result: KvRes): Op {
  return { id: `r${nextId++}`, client, req, invokeMs, completeMs, status: 'ok', result, attempts: 1 };
}
/** An operation that got no answer: timed out, or still pending. */
function open(client: string, req: KvReq, invokeMs: number, status: 'timeout' | 'pending' = 'timeout'): Op {
  return { id: `r${nextId++}`, client, req, invokeMs, status, attempts: 1 };
}
const put = (key: string, value: string): KvReq => ({ type: 'put', key, value });
const get = (key: string): KvReq => ({ type: 'get', key });
const cas = (key: string, expected: string | null, value: string): KvReq => ({ type: 'cas', key, expected, value });
const ok: KvRes = { type: 'put-ok' };
const got = (value: string | null): KvRes => ({ type: 'get-ok', value });

const check = (history: Op[], options = {}) => checkLinearizability(history, kvModel, options);
const outcome = (history: Op[]) => check(history).outcome;

describe('linearizability: histories that are linearizable', () => {
  it('a sequential history whose reads return the last write', () => {
    expect(outcome([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 20, 30, got('1')), done('c1', put('a', '2'), 40, 50, ok), done('c2', get('a'), 60, 70, got('2'))])).toBe('ok');
  });

  it('an empty history, and a read of a key never written', () => {
    expect(outcome([])).toBe('ok');
    expect(outcome([done('c1', get('a'), 0, 1, got(null))])).toBe('ok');
  });

  it('a read concurrent with a write may return the old or the new value', () => {
    const w = () => done('c1', put('a', '1'), 10, 50, ok);
    expect(outcome([w(), done('c2', get('a'), 20, 30, got(null))])).toBe('ok');
    expect(outcome([w(), done('c2', get('a'), 20, 30, got('1'))])).toBe('ok');
    // Two reads inside the write's window: old then new is fine ...
    expect(outcome([w(), done('c2', get('a'), 20, 25, got(null)), done('c2', get('a'), 30, 35, got('1'))])).toBe('ok');
    // ... but new then old is not: once a read saw the write, it has taken effect.
    expect(outcome([w(), done('c2', get('a'), 20, 25, got('1')), done('c2', get('a'), 30, 35, got(null))])).toBe('violation');
  });

  it('operations that only touch in time count as concurrent', () => {
    expect(outcome([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 10, 20, got(null))])).toBe('ok');
    expect(outcome([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 10.001, 20, got(null))])).toBe('violation');
  });

  it('compare-and-set: of two concurrent cas from the same value, only one may succeed', () => {
    const a = (r: KvRes) => done('c1', cas('a', null, 'x'), 0, 10, r);
    const b = (r: KvRes) => done('c2', cas('a', null, 'y'), 5, 15, r);
    expect(outcome([a({ type: 'cas-ok' }), b({ type: 'cas-fail' }), done('c3', get('a'), 20, 30, got('x'))])).toBe('ok');
    expect(outcome([a({ type: 'cas-fail' }), b({ type: 'cas-ok' }), done('c3', get('a'), 20, 30, got('y'))])).toBe('ok');
    expect(outcome([a({ type: 'cas-ok' }), b({ type: 'cas-ok' })])).toBe('violation');
  });
});

describe('linearizability: histories that are not', () => {
  it('a one-operation core reads as one operation', () => {
    const r = check([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 20, 30, got('7'))]);
    expect(r.outcome).toBe('violation');
    if (r.outcome !== 'violation') return;
    expect(r.core).toHaveLength(1);
    const lines = r.explanation.split('\n');
    expect(lines[0]).toBe('not linearizable: this operation of key "a" cannot take effect, in an order that respects real time, and return what it returned:');
    expect(lines.at(-1)).toBe('If this operation may or may not have taken effect (its result set aside), the rest can be linearized.');
  });

  it('a stale read after an acknowledged write', () => {
    const r = check([done('c1', put('a', '1'), 0, 10, ok), done('c1', put('a', '2'), 20, 30, ok), done('c2', get('a'), 40, 50, got('1'))]);
    expect(r.outcome).toBe('violation');
    if (r.outcome !== 'violation') return;
    expect(r.key).toBe('a');
    const shown = (ops: readonly Op[]) => ops.map((o) => kvModel.describe!(o.req, o.result));
    // The conflict is the overwrite and the read; the first write is the context that explains the read's value.
    expect(shown(r.core)).toEqual(['put a=2 -> put-ok', 'get a -> 1']);
    expect(shown(r.context)).toEqual(['put a=1 -> put-ok']);
    expect(shown(r.operations)).toEqual(['put a=1 -> put-ok', 'put a=2 -> put-ok', 'get a -> 1']);
    expect(r.minimal).toBe(true);
    const [c0, c1, c2] = r.operations.map((o) => o.id);
    expect(r.explanation).toBe(
      [
        'not linearizable: these 2 operations of key "a" cannot all take effect, in an order that respects real time, and return what they returned:',
        `  c1 ${c1} [20.000 ms .. 30.000 ms] put a=2 -> put-ok`,
        `  c2 ${c2} [40.000 ms .. 50.000 ms] get a -> 1`,
        'given these operations (each may have taken effect inside its window, or not at all):',
        `  c1 ${c0} [0.000 ms .. 10.000 ms] put a=1 -> put-ok`,
        'If any one of the first 2 operations may or may not have taken effect (its result set aside), the rest can be linearized.',
      ].join('\n'),
    );
  });

  it('a lost write: a read long after an acknowledged put does not see it', () => {
    expect(outcome([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 100, 110, got(null))])).toBe('violation');
  });

  it('a read of a value nobody wrote', () => {
    const r = check([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 5, 15, got('ghost'))]);
    expect(r.outcome === 'violation' && r.operations.length).toBe(1);
  });

  it('two concurrent writes whose readers see them in opposite orders', () => {
    const writes = () => [done('w1', put('a', 'x'), 0, 100, ok), done('w2', put('a', 'y'), 0, 100, ok)];
    const reader1 = () => [done('r1', get('a'), 10, 20, got('x')), done('r1', get('a'), 30, 40, got('y'))];
    const reader2 = () => [done('r2', get('a'), 10, 20, got('y')), done('r2', get('a'), 30, 40, got('x'))];
    expect(outcome([...writes(), ...reader1()])).toBe('ok');
    expect(outcome([...writes(), ...reader2()])).toBe('ok');
    const r = check([...writes(), ...reader1(), ...reader2()]);
    expect(r.outcome).toBe('violation');
    if (r.outcome !== 'violation') return;
    // The four reads conflict; the two writes are the context that explains their values.
    expect(r.core.map((o) => o.client)).toEqual(['r1', 'r1', 'r2', 'r2']);
    expect(r.context.map((o) => o.client)).toEqual(['w1', 'w2']);
  });
});

describe('linearizability: operations without an answer', () => {
  it('a timed-out write may have taken effect, at any time after its invocation', () => {
    const w = () => open('c1', put('a', '1'), 0);
    expect(outcome([w(), done('c2', get('a'), 100, 110, got('1'))])).toBe('ok');
    expect(outcome([w(), done('c2', get('a'), 100, 110, got(null))])).toBe('ok');
    expect(outcome([w(), done('c2', get('a'), 100, 110, got(null)), done('c2', get('a'), 5_000, 5_010, got('1'))])).toBe('ok');
  });

  it('... but only once, and never before it was invoked', () => {
    const w = () => open('c1', put('a', '1'), 50);
    expect(outcome([w(), done('c2', get('a'), 100, 110, got('1')), done('c2', get('a'), 200, 210, got(null))])).toBe('violation');
    expect(outcome([w(), done('c2', get('a'), 0, 10, got('1'))])).toBe('violation');
  });

  it('a pending write is treated the same way', () => {
    const history = [done('c1', put('a', '1'), 0, 10, ok), open('c1', put('a', '2'), 20, 'pending'), done('c2', get('a'), 30, 40, got('2'))];
    expect(outcome(history)).toBe('ok');
    // Without the pending write, the read of 2 would be impossible.
    expect(outcome([history[0]!, history[2]!])).toBe('violation');
  });

  it('a timed-out read constrains nothing', () => {
    expect(outcome([done('c1', put('a', '1'), 0, 10, ok), open('c2', get('a'), 20)])).toBe('ok');
  });
});

describe('linearizability: per-key partitions', () => {
  it('checks each key alone and names the key that fails', () => {
    const history = [
      done('c1', put('a', '1'), 0, 10, ok),
      done('c1', put('b', '1'), 10, 20, ok),
      done('c2', get('a'), 30, 40, got('1')),
      done('c2', get('b'), 30, 40, got(null)),
      done('c3', put('c', '9'), 0, 100, ok),
    ];
    const r = check(history);
    expect(r.outcome).toBe('violation');
    if (r.outcome !== 'violation') return;
    expect(r.key).toBe('b');
    expect(r.operations.every((o) => o.req.key === 'b')).toBe(true);
    expect(check(history.filter((o) => o.req.key !== 'b'))).toMatchObject({ outcome: 'ok', partitions: 2 });
  });

  it('a model without key checks the whole history at once', () => {
    const { key: _key, ...whole } = kvModel;
    const history = [done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 20, 30, got('1'))];
    // Without partitions the model sees every key's ops but keeps one value: a get of b returns a's value.
    expect(checkLinearizability([...history, done('c2', get('b'), 40, 50, got('1'))], whole)).toMatchObject({ outcome: 'ok', partitions: 1 });
  });
});

describe('linearizability: bounded work', () => {
  it('a history built to explode comes back unknown, quickly', () => {
    // 40 writes, all concurrent, and a read of a value none of them wrote: the search
    // must try every subset of writes before it can say no.
    const history = Array.from({ length: 40 }, (_, i) => done(`c${i}`, put('a', `v${i}`), 0, 1_000, ok));
    history.push(done('r', get('a'), 0, 1_000, got('nobody')));
    const t0 = performance.now();
    const r = check(history, { maxSteps: 20_000 });
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(r).toMatchObject({ outcome: 'unknown', key: 'a', reason: 'budget exhausted after 20000 steps on key "a"' });
  });

  it('a 10,000-operation linearizable history is checked within the default budget', () => {
    const history = randomKvHistory({ seed: 'test', operations: 10_000, clients: 8, keys: 5 });
    expect(history.filter((o) => o.status === 'timeout').length).toBeGreaterThan(0);
    expect(check(history)).toMatchObject({ outcome: 'ok', partitions: 5 });
  });
});

describe('linearizability: the minimal violating set', () => {
  it('shrinks a long history with one stale read to the two operations that conflict', () => {
    const noise = randomKvHistory({ seed: 'noise', operations: 300, clients: 4, keys: 2 });
    const end = Math.max(...noise.map((o) => o.completeMs ?? o.invokeMs));
    const history = [...noise, done('c9', put('k0', 'last'), end + 10, end + 20, ok), done('c9', get('k0'), end + 30, end + 40, got(null))];
    const r = check(history);
    expect(r.outcome).toBe('violation');
    if (r.outcome !== 'violation') return;
    expect(r.key).toBe('k0');
    expect(r.minimal).toBe(true);
    expect(r.operations).toHaveLength(2);
    expect(r.context).toEqual([]);
    expect(r.operations.at(-1)!.result).toEqual(got(null));
    expect(r.operations[0]!.req.type).toBe('put');
    // 1-minimal: without any one of them, the rest is linearizable.
    for (const op of r.operations) expect(outcome(r.operations.filter((o) => o !== op))).toBe('ok');
  });

  it('a corrupted read in a large random history is found and explained', () => {
    const history = randomKvHistory({ seed: 'corrupt', operations: 600, clients: 6, keys: 3 });
    const victim = history.filter((o) => o.status === 'ok' && o.req.type === 'get')[150]!;
    victim.result = got('never-written');
    const r = check(history);
    expect(r).toMatchObject({ outcome: 'violation', operations: [victim], minimal: true });
  });
});

describe('the linearizable property', () => {
  const view = (history: Op[]) => ({ nowMs: 0, nodes: [], history, phase: 'quiescent' as const });

  it('passes a linearizable history and reports a violation with its explanation', () => {
    const p = linearizable<unknown, KvReq, KvRes>('linearizable', kvModel);
    expect(p.kind).toBe('eventually');
    expect(p.check(view([done('c1', put('a', '1'), 0, 10, ok)]))).toBe(true);
    expect(p.check(view([done('c1', put('a', '1'), 0, 10, ok), done('c2', get('a'), 20, 30, got(null))]))).toMatch(/^not linearizable: these 2 operations/);
  });

  it('an inconclusive check fails visibly by default, or passes on request while onResult still sees it', () => {
    const history = Array.from({ length: 30 }, (_, i) => done(`c${i}`, put('a', `v${i}`), 0, 1_000, ok));
    history.push(done('r', get('a'), 0, 1_000, got('nobody')));
    expect(linearizable('lin', kvModel, { maxSteps: 1_000 }).check(view(history))).toBe(
      'inconclusive: budget exhausted after 1000 steps on key "a" (not shown to be a violation; raise maxSteps or shorten the run)',
    );
    const seen: LinearizabilityResult<KvReq, KvRes>[] = [];
    const lenient = linearizable('lin', kvModel, { maxSteps: 1_000, inconclusive: 'pass', onResult: (r) => seen.push(r) });
    expect(lenient.check(view(history))).toBe(true);
    expect(seen.map((r) => r.outcome)).toEqual(['unknown']);
  });
});

describe('the kv model on a completed op without a result', () => {
  it('says what is wrong instead of throwing a TypeError', () => {
    const op: Op = { id: 'r0', client: 'c0', req: { type: 'get', key: 'k' }, invokeMs: 0, completeMs: 1, status: 'ok', attempts: 1 };
    expect(() => checkLinearizability([op], kvModel)).toThrow(/completed \(status ok\) with no result/);
  });
});
