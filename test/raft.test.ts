/**
 * Raft under the seeded simulator, with its default faults and Ken (the definition asks
 * for it). The correct version must survive every seed; each seeded bug must be caught
 * in a scanned range of seeds, by a safety property. By hand, with the CLI:
 * `faultline test ./packages/protocols/raft/index.ts --seeds 2000` passes, and each bug
 * is caught (see the numbers in the protocol's report).
 */
import { campaign, simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { LIMITS, raft, type State } from '../packages/protocols/raft/index.ts';

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

describe('raft snapshots and log compaction', () => {
  // 8 busy clients for 20 s with crashes: about 4,500 entries, past the 4,096 the log used to be capped at.
  it('runs past 4,096 entries under crashes with every log bounded and every node caught up', () => {
    const r = simulate({ protocol: raft, seed: 1, scenario: { faults: ['crash'], durationMs: 20_000, workload: { clients: 8, thinkMs: 0 } } });
    expect(r.violation).toBeUndefined();
    const states = r.nodes.map((n) => n.state as State);
    for (const s of states) {
      expect(s.lastApplied).toBeGreaterThan(4_096);
      expect(s.snapshot!.index).toBeGreaterThan(4_096 - LIMITS.snapshotEvery);
      expect(s.log.length).toBeLessThanOrEqual(LIMITS.snapshotEvery + LIMITS.maxUncommitted);
    }
  });

  it('followers that fall behind a compaction are sent the snapshot (InstallSnapshot)', () => {
    const r = simulate({ protocol: raft, seed: 3, trace: 'full' });
    expect(r.violation).toBeUndefined();
    const installs = (r.trace ?? []).filter((t) => t.k === 'send' && ((t.msg as { msg?: { type: string } }).msg ?? (t.msg as { type: string })).type === 'InstallSnapshot');
    expect(installs.length).toBeGreaterThan(0);
  });

  // At the time of writing seed 2 is the first caught, by log-matching.
  it('finds the snapshot-off-by-one bug within 5 seeds, by a safety property', () => {
    const c = campaign({ protocol: raft, bug: 'snapshot-off-by-one', seeds: 5, failFast: true });
    expect(c.failures).toHaveLength(1);
    expect([...SAFETY, 'leader-after-heal', 'stores-converge']).toContain(c.failures[0]!.property);
  });
});
