/**
 * The protocol under the seeded simulator, with its default fault model. The correct
 * version must survive every seed; each seeded bug must be caught, by the property that
 * describes what it breaks. (By hand: 1,000 seeds of the correct version pass.)
 */
import { campaign } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { primaryBackup } from '@faultline/protocols';

describe('primary-backup in the simulator', () => {
  it('the correct version passes 200 seeds', () => {
    const r = campaign({ protocol: primaryBackup, seeds: 200 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(200);
  });

  // The first failing seed, at the time of writing (partitions in the fault model, one
  // Replicate in flight per member): reply-before-replicate 1, no-state-transfer 1,
  // stale-primary-reads 10 (it is the rarest).
  it.each([
    ['reply-before-replicate', 'no-lost-writes', 100],
    ['no-state-transfer', 'converges-after-heal', 10],
    ['stale-primary-reads', 'reads-see-acknowledged-writes', 300],
  ])('finds the %s bug (it breaks %s) within %i seeds', (bug, property, seeds) => {
    const r = campaign({ protocol: primaryBackup, bug, seeds, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe(property);
  });
});
