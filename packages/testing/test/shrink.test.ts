import fc from 'fast-check';
import { simulate, type Scenario } from '@faultline/simulator';
import { expect, it } from 'vitest';
import counter from '../../../examples/tutorial/src/counter.ts';
import { arbScenario } from '../src/index.ts';

const scenarios = arbScenario({ nodes: 3, durationMs: 2000, kinds: ['crash', 'pause', 'partition', 'oneway', 'skew'], maxFaults: 6 });

it("fast-check finds the counter's gossip-once bug over generated scenarios and shrinks its fault plan", () => {
  let firstFailing: Scenario | undefined;
  const out = fc.check(
    fc.property(scenarios, (scenario) => {
      const ok = simulate({ protocol: counter, bug: 'gossip-once', seed: 1, scenario, trace: 'none' }).ok;
      if (!ok) firstFailing ??= scenario;
      return ok;
    }),
    { seed: 42, numRuns: 200 },
  );
  expect(out.failed).toBe(true);
  const [scenario] = out.counterexample!;
  expect(out.numShrinks).toBeGreaterThan(0);
  expect(scenario.faultPlan!.length).toBeLessThan(firstFailing!.faultPlan!.length);
  // One lost broadcast is enough: a crash with its restart, or a partition with its heal.
  expect(scenario.faultPlan!.length).toBeLessThanOrEqual(2);
  expect(scenario.faultPlan!.length).toBeGreaterThan(0);
  expect(simulate({ protocol: counter, bug: 'gossip-once', seed: 1, scenario }).ok).toBe(false);
});

it('the correct counter passes generated scenarios within its fault model', () => {
  // No crashes (the counter keeps no disk) and no retries (a request retried on another
  // node is counted twice: dedup is per node), as in the counter's own workload.
  const tolerated = arbScenario({ nodes: 3, durationMs: 2000, kinds: ['pause', 'partition', 'oneway', 'skew'], workload: { retriesMax: 0 } });
  fc.assert(
    fc.property(tolerated, (scenario) => {
      const r = simulate({ protocol: counter, seed: 1, scenario, trace: 'none' });
      expect(r.violation).toBeUndefined();
    }),
    { seed: 43, numRuns: 40 },
  );
});
