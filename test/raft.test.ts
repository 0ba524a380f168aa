/**
 * Raft under the seeded simulator, with its default faults and Ken (the definition asks
 * for it). The correct version must survive every seed; each seeded bug must be caught
 * in a scanned range of seeds, by a safety property. By hand, with the CLI:
 * `faultline test ./packages/protocols/raft/index.ts --seeds 2000` passes, and each bug
 * is caught (see the numbers in the protocol's report).
 */
import { campaign } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { raft } from '../packages/protocols/raft/index.ts';

const SAFETY = ['election-safety', 'log-matching', 'leader-completeness', 'elections-keep-committed', 'state-machine-safety', 'linearizable'];

describe('raft in the simulator', () => {
  it('runs with Ken and checks linearizability', () => {
    expect(raft.ken).toBe(true);
    expect(raft.consistency).toEqual({ model: 'kv', level: 'linearizable' });
    expect(raft.faults).toEqual(expect.arrayContaining(['crash', 'drop', 'duplicate', 'reorder', 'delay', 'partition', 'pause']));
  });

  it('the correct version passes 60 seeds', () => {
    const r = campaign({ protocol: raft, seeds: 60 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(60);
  });

  // The first failing seed, when this was written: commit-old-term 5 (about 1 seed in 25
  // fails), vote-without-log-check 1 (almost every seed fails).
  it.each([
    ['commit-old-term', 100],
    ['vote-without-log-check', 20],
  ])('catches %s within seeds 1 to %i, by a safety property', (bug, seeds) => {
    const r = campaign({ protocol: raft, bug, seeds, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(SAFETY).toContain(r.failures[0]!.property);
  });
});
