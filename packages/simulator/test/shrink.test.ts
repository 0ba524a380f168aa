import { describe, expect, it } from 'vitest';
import { faultUnits, scheduleOptions, scheduleProblems, shrink, simulate, type FaultEvent } from '../src/index.ts';
import { amnesia } from './fixtures/amnesia.ts';

const protocol = amnesia(1);
/** Seed 7 of the fixture fails under its generated faults (10 fault events). */
const failing = { protocol, seed: 7 };

describe('shrink', () => {
  const original = simulate({ ...failing, trace: 'none' });
  const result = shrink(failing, original.violation!);

  it('finds a smaller run that fails with the same property', () => {
    expect(original.violation?.property).toBe('increasing');
    expect(result.faultsShrunk).toBe(true);
    expect(result.original).toEqual({ events: original.events, faults: original.plan.length, requests: original.history.length });
    expect(result.shrunk.faults).toBeLessThan(result.original.faults);
    expect(result.shrunk.events).toBeLessThan(result.original.events);
    expect(result.shrunk.requests).toBeLessThan(result.original.requests);
    expect(result.violation.property).toBe('increasing');
    // What is left is the one fault that matters: a crash of n1 and its restart.
    expect(result.schedule.scenario.faultPlan?.map((f) => f.kind)).toEqual(['crash', 'restart']);
    expect(result.schedule.scenario.faults).toEqual([]);
    expect(result.schedule.scenario.nodes).toBe(1); // the fixture declares minNodes: 1
  });

  it('writes a schedule that replays to the same trace hash', () => {
    const schedule = JSON.parse(JSON.stringify(result.schedule)) as unknown;
    expect(scheduleProblems(schedule)).toEqual([]);
    const replayed = simulate({ ...scheduleOptions(protocol, result.schedule), trace: 'hash' });
    expect(replayed.traceHash).toBe(result.traceHash);
    expect(replayed.violation).toEqual(result.violation);
    expect(replayed.events).toBe(result.shrunk.events);
  });

  it('shrinks a PCT run under the same strategy and writes the strategy into the schedule', () => {
    const strategy = { kind: 'pct' as const, depth: 3, steps: 2_000 };
    const pct = { ...failing, strategy };
    const run = simulate({ ...pct, trace: 'none' });
    expect(run.violation?.property).toBe('increasing');
    const r = shrink(pct, run.violation!, { maxRuns: 60 });
    expect(r.schedule.strategy).toEqual(strategy);
    expect(r.shrunk.events).toBeLessThanOrEqual(r.original.events);
    const schedule = JSON.parse(JSON.stringify(r.schedule)) as unknown;
    expect(scheduleProblems(schedule)).toEqual([]);
    const replayed = simulate({ ...scheduleOptions(protocol, r.schedule), trace: 'hash' });
    expect(replayed.traceHash).toBe(r.traceHash);
    // The same scenario and seed under the default strategy is another run (the shrunk run
    // itself may be so small that PCT's priorities no longer change it, so the original is compared).
    const { strategy: _s, ...randomOptions } = scheduleOptions(protocol, r.schedule);
    expect(simulate({ ...randomOptions, trace: 'hash' }).violation?.property).toBe('increasing');
    expect(simulate({ ...failing, trace: 'hash' }).traceHash).not.toBe(simulate({ ...pct, trace: 'hash' }).traceHash);
    expect(result.schedule.strategy).toBeUndefined();
  });

  it('leaves nodes alone when the protocol declares no minNodes', () => {
    const r = shrink({ protocol: amnesia(), seed: 7 }, { property: 'increasing' }, { maxRuns: 40 });
    expect(r.schedule.scenario.nodes).toBeUndefined();
  });

  it('respects the budget of runs', () => {
    const r = shrink(failing, original.violation!, { maxRuns: 6 });
    expect(r.runs).toBeLessThanOrEqual(6);
    expect(r.budgetExhausted).toBe(true);
    expect(r.violation.property).toBe('increasing');
    expect(r.notes.join()).toMatch(/budget of 6 runs/);
  });

  it('respects a wall budget measured with the clock it is lent, and reports progress', () => {
    let now = 0;
    const seen: number[] = [];
    // Each reading of the fake clock moves it 10 ms (one a run): an 80 ms budget admits a few
    // candidates, with two runs' time kept in reserve.
    const r = shrink(failing, original.violation!, {
      budgetMs: 80,
      clock: () => (now += 10),
      onProgress: (p) => {
        seen.push(p.runs);
        expect(p.best.events).toBeLessThanOrEqual(p.original.events);
      },
    });
    expect(r.budgetExhausted).toBe(true);
    expect(r.notes.join()).toMatch(/wall budget of 80 ms ran out/);
    expect(r.runs).toBeLessThan(result.runs);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(() => shrink(failing, original.violation!, { budgetMs: 5 })).toThrow(/budgetMs and clock go together/);
  });

  it('ends within its wall budget: no candidate starts unless two of the longest runs so far fit in what is left', () => {
    let now = 0;
    // Every candidate "takes" 30 ms: the clock moves on after each one.
    const r = shrink(failing, original.violation!, { budgetMs: 200, clock: () => now, onProgress: () => (now += 30) });
    expect(r.budgetExhausted).toBe(true);
    expect(r.runs).toBeGreaterThan(3);
    // Without the reserve the last candidate would start at 180 ms and end at 210.
    expect(now).toBeLessThanOrEqual(200 - 30);
  });

  it('refuses a run that does not fail the property', () => {
    expect(() => shrink({ protocol, seed: 1 }, { property: 'increasing' })).toThrow(/does not fail 'increasing'/);
  });

  it('rejects a schedule for another protocol, and misshapen ones', () => {
    expect(() => scheduleOptions(amnesia(), { ...result.schedule, protocol: 'other' })).toThrow(/for protocol other, not amnesia/);
    expect(scheduleProblems({ faultline: 'schedule', version: 3 })).toContain('unsupported version 3 (this faultline reads versions 1 and 2: a newer faultline wrote it?)');
    expect(scheduleProblems({ ...result.schedule, choices: { 'node/n1': [0.5, -1] } })).toEqual(['choices["node/n1"][1] must be a number >= 0, not -1']);
    expect(scheduleProblems({ ...result.schedule, version: 1 })).toEqual(['"choices" needs version 2']);
  });

  it('replays a version 1 schedule (no choices) from its seed, as before', () => {
    const { choices: _c, ...v1 } = { ...result.schedule, version: 1 as const };
    expect(scheduleProblems(v1)).toEqual([]);
    const seeded = simulate({ ...scheduleOptions(protocol, v1), trace: 'hash' });
    expect(seeded.traceHash).toBe(simulate({ protocol, seed: 7, scenario: result.schedule.scenario, trace: 'hash' }).traceHash);
  });
});

describe('workload.maxRequests', () => {
  it('caps operations over all clients and changes nothing when not reached', () => {
    const base = simulate({ protocol: amnesia(), seed: 1, trace: 'hash' });
    expect(simulate({ protocol: amnesia(), seed: 1, scenario: { workload: { maxRequests: 5 } }, trace: 'none' }).history).toHaveLength(5);
    const uncapped = simulate({ protocol: amnesia(), seed: 1, scenario: { workload: { maxRequests: 1e6 } }, trace: 'hash' });
    expect(uncapped.traceHash).toBe(base.traceHash);
  });
});

describe('faultUnits', () => {
  it('pairs a crash with its restart, a pause with its resume and a cut with its heal', () => {
    const plan: FaultEvent[] = [
      { atMs: 1, kind: 'crash', node: 'n1' },
      { atMs: 2, kind: 'pause', node: 'n2' },
      { atMs: 3, kind: 'partition', groups: [['n1']] },
      { atMs: 4, kind: 'restart', node: 'n1' },
      { atMs: 5, kind: 'skew', node: 'n3', offsetMs: 1, driftPpm: 0 },
      { atMs: 6, kind: 'heal' },
      { atMs: 7, kind: 'resume', node: 'n2' },
      { atMs: 8, kind: 'restart', node: 'n3' },
    ];
    expect(faultUnits(plan)).toEqual([[0, 3], [1, 6], [2, 5], [4], [7]]);
  });
});
