import fc from 'fast-check';
import { nodeIds } from '@faultline/runtime';
import { planProblems, resolveConfig, type FaultEvent } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import counter from '../../../examples/tutorial/src/counter.ts';
import { arbFaultPlan, arbScenario, arbWorkload } from '../src/index.ts';

/** Checks what planProblems does not: pairs, bounds, and no overlapping faults. */
function shapeProblems(plan: readonly FaultEvent[], durationMs: number, maxFaulty: number): string[] {
  const out: string[] = [];
  const down = new Set<string>();
  let cut = false;
  let last = 0;
  for (const e of plan) {
    if (e.atMs < last) out.push(`out of order at ${e.atMs}`);
    last = e.atMs;
    if (!(e.atMs > 0 && e.atMs < durationMs)) out.push(`${e.kind} at ${e.atMs} is outside the run`);
    switch (e.kind) {
      case 'crash':
      case 'pause':
        if (down.has(e.node)) out.push(`${e.node} faulted twice at once`);
        down.add(e.node);
        if (down.size > maxFaulty) out.push(`${down.size} nodes down at ${e.atMs}`);
        break;
      case 'restart':
      case 'resume':
        if (!down.delete(e.node)) out.push(`${e.kind} of ${e.node}, which is up`);
        break;
      case 'partition':
      case 'oneway':
        if (cut) out.push(`two partitions at once at ${e.atMs}`);
        cut = true;
        break;
      case 'heal':
        if (!cut) out.push(`heal without a partition at ${e.atMs}`);
        cut = false;
        break;
      case 'skew':
        break;
    }
  }
  if (down.size > 0 || cut) out.push('a fault is never ended');
  return out;
}

describe('arbFaultPlan', () => {
  it('makes plans the simulator accepts, every fault paired and within bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 3, max: 20_000 }), fc.nat({ max: 3 }), (n, durationMs, maxFaulty) => {
        const ids = nodeIds(n);
        const plans = fc.sample(arbFaultPlan({ nodes: n, durationMs, maxFaultyNodes: maxFaulty, maxFaults: 8 }), { numRuns: 20, seed: n * durationMs });
        for (const plan of plans) {
          expect(planProblems(plan, ids)).toEqual([]);
          expect(shapeProblems(plan, durationMs, maxFaulty)).toEqual([]);
        }
      }),
      { numRuns: 100, seed: 1 },
    );
  });

  it('draws only the kinds asked for, on the nodes given, and by default every kind', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const only = fc.sample(arbFaultPlan({ nodes: ids, durationMs: 5000, kinds: ['pause', 'skew'] }), { numRuns: 200, seed: 2 }).flat();
    expect(new Set(only.map((e) => e.kind))).toEqual(new Set(['pause', 'resume', 'skew']));
    expect(planProblems(only, ids)).toEqual([]);
    const all = fc.sample(arbFaultPlan({ nodes: 5, durationMs: 5000 }), { numRuns: 300, seed: 3 }).flat();
    expect(new Set(all.map((e) => e.kind))).toEqual(new Set(['crash', 'restart', 'pause', 'resume', 'partition', 'oneway', 'heal', 'skew']));
  });

  it('leaves out what a cluster cannot have: partitions of one node, crashes with no faulty nodes allowed', () => {
    expect(fc.sample(arbFaultPlan({ nodes: 1, durationMs: 1000, kinds: ['partition', 'crash'] }), { numRuns: 20, seed: 4 }).flat()).toEqual([]);
    const two = fc.sample(arbFaultPlan({ nodes: 2, durationMs: 1000 }), { numRuns: 100, seed: 5 }).flat();
    expect(two.some((e) => e.kind === 'crash' || e.kind === 'pause')).toBe(false);
  });

  it('rejects a run too short to hold a fault', () => {
    expect(() => arbFaultPlan({ nodes: 3, durationMs: 2 })).toThrow(/durationMs/);
  });
});

describe('arbWorkload and arbScenario', () => {
  it('make scenarios that resolveConfig accepts', () => {
    fc.assert(
      fc.property(arbScenario({ nodes: 5, durationMs: 3000, maxFaults: 8 }), (scenario) => {
        const config = resolveConfig({ protocol: counter, seed: 1, scenario });
        expect(config.faults).toEqual([]);
        expect(config.explicitPlan).toEqual(scenario.faultPlan);
        expect(config.nodes).toHaveLength(5);
        expect(config.durationMs).toBe(3000);
      }),
      { numRuns: 300, seed: 6 },
    );
  });

  it('keeps base fields and the protocol workload where they are not overridden', () => {
    const scenarios = fc.sample(arbScenario({ durationMs: 1000, workload: false, base: { quietMs: 100, network: { dropRate: 0.1 } } }), { numRuns: 20, seed: 7 });
    for (const s of scenarios) {
      expect(s).toMatchObject({ nodes: 3, quietMs: 100, network: { dropRate: 0.1 }, faults: [] });
      expect(s.workload).toBeUndefined();
    }
  });

  it('draws workload overrides within their bounds, any field left out', () => {
    const ws = fc.sample(arbWorkload({ clientsMax: 2, retriesMax: 1 }), { numRuns: 300, seed: 8 });
    for (const w of ws) {
      if (w.clients !== undefined) expect(w.clients).toBeGreaterThanOrEqual(1);
      if (w.clients !== undefined) expect(w.clients).toBeLessThanOrEqual(2);
      if (w.retries !== undefined) expect(w.retries).toBeLessThanOrEqual(1);
      if (w.timeoutMs !== undefined) expect(w.timeoutMs).toBeGreaterThan(0);
    }
    expect(ws.some((w) => Object.keys(w).length < 4)).toBe(true);
    expect(ws.some((w) => Object.keys(w).length === 4)).toBe(true);
    // Shrinking drops fields: the smallest override is none at all, the protocol's own workload.
    expect(fc.check(fc.property(arbWorkload(), () => false), { seed: 9 }).counterexample).toEqual([{}]);
  });
});
