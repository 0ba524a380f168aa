/**
 * Exhaustive crash points: in a 3-node bank run with Ken, crash each node right after
 * each of its checkpoint records is written (before the fsync), right after the fsync
 * that makes it durable (before its outputs are released), and right after they are
 * released (a turn boundary). Every point, not a sample; every run must pass every
 * property and the transparency checker, and must actually crash (and recover) at its
 * point. Restarts come at once (so an fsync begun before the crash completes after the
 * restart, and must not count) and after a while.
 */
import { bank } from '@faultline/protocols';
import { simulate, type KenSimConfig, type Scenario } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';

const base: Scenario = { faults: [], durationMs: 1000, quietMs: 3000, workload: { clients: 3, thinkMs: 30 } };

describe.each([
  ['one fsync per turn', false, 25],
  ['group commit', true, 25],
  ['group commit, immediate restart', true, 0],
])('every crash point, %s', (_name, groupCommit, downMs) => {
  it('passes at every point', () => {
    const ken: KenSimConfig = { groupCommit, fsyncMsMin: 1, fsyncMsMax: 3 };
    const baseline = simulate({ protocol: bank, seed: 1, scenario: { ...base, ken }, trace: 'none' });
    expect(baseline.ok).toBe(true);
    const problems: string[] = [];
    let runs = 0;
    for (const { node, records } of baseline.ken!) {
      expect(records).toBeGreaterThan(20); // a run with real work in it
      for (let record = 1; record <= records; record++) {
        for (const when of ['written', 'synced', 'durable'] as const) {
          const r = simulate({
            protocol: bank,
            seed: 1,
            scenario: { ...base, ken: { ...ken, crashPoint: { node, record, when, downMs } } },
            trace: 'none',
          });
          runs++;
          const where = `${node} ${when} #${record}`;
          if (!r.ok) problems.push(`${where}: ${r.violation!.property}: ${r.violation!.message}`);
          const report = r.ken!.find((k) => k.node === node)!;
          if (report.crashes !== 1) problems.push(`${where}: the node crashed ${report.crashes} times, not once`);
          // Only a crash before the very first fsync leaves nothing to recover from.
          if (report.recoveries !== (record === 1 && when === 'written' ? 0 : 1)) problems.push(`${where}: no recovery`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(runs).toBe(3 * baseline.ken!.reduce((n, k) => n + k.records, 0));
  });
});
