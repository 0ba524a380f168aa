/**
 * The epidemic collection under the seeded simulator, with its default fault model (every
 * fault kind but disk). By hand, with the CLI: the correct version passes 2,000 seeds and
 * the bug is found on every seed scanned (see the protocol's report).
 */
import { campaign } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { epidemicCollection, CLIENT_TAIL_MS, CONVERGENCE_MS, convergenceRounds } from '../packages/protocols/epidemic-collection/index.ts';

describe('epidemic-collection in the simulator', () => {
  it('the correct version passes 80 seeds under every fault it claims to tolerate', () => {
    const r = campaign({ protocol: epidemicCollection, seeds: 80 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(80);
  });

  it('finds remove-without-tombstone (it breaks no-resurrection) scanning seeds 1 to 20', () => {
    // Scanned, not picked: every seed of the range runs; when this was written all of them failed.
    const r = campaign({ protocol: epidemicCollection, bug: 'remove-without-tombstone', seeds: 20 });
    expect(r.failures.length).toBeGreaterThan(0);
    expect(new Set(r.failures.map((f) => f.property))).toEqual(new Set(['no-resurrection']));
  });

  it('the quiet period is the client tail plus the bound of 2(n-1) rounds, so convergence is checked at the bound', () => {
    expect(convergenceRounds(3)).toBe(4);
    expect(epidemicCollection.quietMs).toBe(CLIENT_TAIL_MS + CONVERGENCE_MS);
  });

  it('the convergence check bites: with a quiet period of one round, replicas are caught differing on some seed', () => {
    // The same runs with too short a quiet period must fail somewhere in a scanned range,
    // or the property would not be checking anything.
    const short = { ...epidemicCollection, quietMs: 1 };
    const r = campaign({ protocol: short, seeds: 20, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(['converges-within-bound', 'acknowledged-adds-survive', 'removes-stick']).toContain(r.failures[0]!.property);
  });
});
