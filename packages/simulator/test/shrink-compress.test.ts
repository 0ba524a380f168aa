import { describe, expect, it } from 'vitest';
import { simulate, type Scenario } from '../src/index.ts';
import { compressTime, mapConcerns, quietNetwork } from '../src/shrink-compress.ts';
import { ShrinkState } from '../src/shrink-state.ts';
import { amnesia } from './fixtures/amnesia.ts';

const protocol = amnesia();

/** A crash of n1 over a lossy, slow network: the shrink state as `shrink` starts it on `seed`. */
const lossy: Scenario = {
  faults: [],
  faultPlan: [
    { atMs: 300, kind: 'crash', node: 'n1' },
    { atMs: 400, kind: 'restart', node: 'n1' },
  ],
  network: { dropRate: 0.3, duplicateRate: 0.3, latencyMsMin: 1, latencyMsMax: 80 },
};

function stateFor(seed: number) {
  const first = simulate({ protocol, seed, scenario: lossy, recordChoices: true, trace: 'none' });
  expect(first.violation?.property).toBe('increasing');
  const s = new ShrinkState({ protocol, seed }, undefined, 'increasing', { maxRuns: 100, deadline: Infinity, clock: undefined, onRun: () => {} });
  s.original = { events: first.events, faults: first.plan.length, requests: first.history.length };
  s.best = { scenario: lossy, choices: first.choices!, result: first };
  return s;
}

describe('mapConcerns', () => {
  it('edits only the streams of the concerns named', () => {
    const seq = { 'network/n1>n2': [1, 0.5], 'workload/c1': [1, 0.5], faults: [2] };
    expect(mapConcerns(seq, new Set(['network']), (v) => v * 2)).toEqual({ 'network/n1>n2': [2, 1], 'workload/c1': [1, 0.5], faults: [2] });
  });
});

describe('quietNetwork', () => {
  it('turns every drop and duplicate of a failing run off at once when it still fails', () => {
    const s = stateFor(4);
    const full = (sc: Scenario, choices: typeof s.best.choices) => simulate({ protocol, seed: 4, scenario: sc, choices, trace: 'full' }).trace!;
    const before = full(s.best.scenario, s.best.choices);
    expect(before.some((r) => r.k === 'drop' || r.k === 'dup')).toBe(true);
    quietNetwork(s);
    const after = full(s.best.scenario, s.best.choices);
    expect(after.some((r) => r.k === 'violation')).toBe(true);
    expect(after.filter((r) => (r.k === 'drop' && r.reason === 'loss') || r.k === 'dup')).toEqual([]);
  });
});

describe('compressTime', () => {
  it('scales latencies and think times down while the run still fails, ending earlier', () => {
    const s = stateFor(3);
    const before = s.best.result;
    compressTime(s);
    expect(s.best.result.violation?.property).toBe('increasing');
    expect(s.best.result.violation!.atMs).toBeLessThan(before.violation!.atMs);
    expect(s.best.result.events).toBeLessThan(before.events);
  });
});
