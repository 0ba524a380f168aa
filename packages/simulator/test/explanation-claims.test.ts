import type { Operation } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { searchLinearization } from '../src/checkers/search.ts';
import { checkLinearizability, toSearchOp } from '../src/checkers/linearizability.ts';
import { randomCasHistory } from '../src/checkers/cas-history.ts';
import { kvModel, type KvReq, type KvRes } from '../src/checkers/kv-model.ts';

type Op = Operation<KvReq, KvRes>;

/** The search's verdict on `ops` (in invocation order), those in `context` as "may have taken effect", everything else deleted. */
function verdict(ops: readonly Op[], context: ReadonlySet<Op>): string {
  const sorted = ops.slice().sort((a, b) => a.invokeMs - b.invokeMs);
  return searchLinearization(sorted.map((op) => toSearchOp(op, context.has(op))), kvModel, { maxSteps: 5_000_000, steps: 0 });
}

/**
 * Checks an explanation's claims with the search itself, under the semantics it prints: the
 * core and context are a violation; with any one core op's result set aside, they are not.
 */
function claimsHold(core: readonly Op[], context: readonly Op[], minimal: boolean): string[] {
  const wrong: string[] = [];
  const ctx = new Set(context);
  if (verdict([...core, ...context], ctx) !== 'violation') wrong.push('core and context together are not a violation');
  if (!minimal) return wrong;
  for (const dropped of core) {
    const v = verdict([...core, ...context], new Set([...context, dropped]));
    if (v !== 'ok') wrong.push(`without ${dropped.id} the rest is ${v}, not linearizable`);
  }
  return wrong;
}

describe('explanations of CAS-register histories (etcd-like: 10 clients, 10% open ops, 60 ops)', () => {
  const seeds = Array.from({ length: 6 }, (_, i) => `claims-${i}`);
  for (const seed of seeds) {
    it(`every claim of the explanation holds (${seed})`, () => {
      const history = randomCasHistory({ seed, operations: 60, clients: 10, staleReads: 1 });
      const r = checkLinearizability(history, kvModel);
      expect(r.outcome).toBe('violation');
      if (r.outcome !== 'violation') return;
      expect(claimsHold(r.core, r.context, r.minimal)).toEqual([]);
      expect(r.core.length + r.context.length).toBeLessThan(30);
    });
  }

  it('the same histories without the stale read are linearizable', () => {
    for (const seed of seeds) expect(checkLinearizability(randomCasHistory({ seed, operations: 60, clients: 10 }), kvModel).outcome).toBe('ok');
  });

  it('an explanation cut short by its budget is small and does not claim minimality', () => {
    const history = randomCasHistory({ seed: 'claims-0', operations: 60, clients: 10, staleReads: 1 });
    const r = checkLinearizability(history, kvModel, { maxShrinkSteps: 2_000 });
    expect(r.outcome).toBe('violation');
    if (r.outcome !== 'violation') return;
    expect(r.minimal).toBe(false);
    expect(r.explanation).toContain('Shrinking stopped at its budget');
    expect(claimsHold(r.core, r.context, r.minimal)).toEqual([]);
    expect(r.context.length).toBeLessThan(history.length / 2);
  });

  it('the claim checker catches a false claim (a core that is not minimal)', () => {
    const history = randomCasHistory({ seed: 'claims-1', operations: 60, clients: 10, staleReads: 1 });
    const r = checkLinearizability(history, kvModel);
    if (r.outcome !== 'violation') throw new Error('expected a violation');
    const extra = history.find((op) => !r.core.includes(op) && !r.context.includes(op) && op.status === 'ok')!;
    expect(claimsHold([...r.core, extra], r.context, true).length).toBeGreaterThan(0);
  });
});
