/**
 * MaceKen's claim, checked: services that lose acknowledged data or apply effects twice
 * when nodes crash and restart pass the same properties, unchanged, with `ken: true`.
 * (The full figure, `faultline test bank --faults crash --ken` over 2000 seeds, is
 * run by hand and reported in docs/ken.md; here a slice of it runs on every change.)
 */
import { bank, primaryBackup } from '@faultline/protocols';
import { campaign, type Scenario } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import counter from '../examples/tutorial/src/counter.ts';

const failing = (r: ReturnType<typeof campaign>) => r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`);

describe('Ken makes crash-restart look like a slow node', () => {
  it('bank: crashes break conservation or exactly-once without Ken; with Ken, 150 seeds pass', () => {
    const without = campaign({ protocol: bank, faults: ['crash'], seeds: 20, failFast: true });
    expect(without.failures).toHaveLength(1);
    expect(['money-conserved', 'transfers-exactly-once', 'no-money-created']).toContain(without.failures[0]!.property);
    const withKen = campaign({ protocol: bank, faults: ['crash'], ken: true, seeds: 150 });
    expect(failing(withKen)).toEqual([]);
  });

  it('bank under Ken also survives torn writes, drops and duplicates', () => {
    const r = campaign({ protocol: bank, faults: ['disk', 'drop', 'duplicate', 'reorder'], ken: true, seeds: 60 });
    expect(failing(r)).toEqual([]);
  });

  it('the tutorial counter: crashes lose increments without Ken; with Ken they do not', () => {
    const without = campaign({ protocol: counter, faults: ['crash'], seeds: 20, failFast: true });
    expect(without.failures).toHaveLength(1);
    const withKen = campaign({ protocol: counter, faults: ['crash'], ken: true, seeds: 100 });
    expect(failing(withKen)).toEqual([]);
  });

  it('primary-backup with fast restarts of any number of nodes: stuck or lossy without Ken, correct with it', () => {
    const scenario: Scenario = { maxFaultyNodes: 5, faultRates: { downMsMin: 20, downMsMax: 200, nodeFaultEveryMs: 200 } };
    const without = campaign({ protocol: primaryBackup, scenario, seeds: 60 });
    expect(without.failures.length).toBeGreaterThan(0);
    const withKen = campaign({ protocol: primaryBackup, scenario, ken: true, seeds: 60 });
    expect(failing(withKen)).toEqual([]);
  });
});
