import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';
import { PassScheduler, seededScenario, type Pass } from '../src/shrink-passes.ts';
import type { ShrinkState } from '../src/shrink-state.ts';
import { amnesia } from './fixtures/amnesia.ts';
import { startedShrink } from './fixtures/shrink-start.ts';

/** A stand-in for the shrink state: a best run of `events` events, and a run counter. */
function fakeState(events: number) {
  return { runs: 0, exhausted: false, best: { result: { events } } } as unknown as ShrinkState & { best: { result: { events: number } } };
}

/** A pass that costs `runs` runs and removes the events `gains` lists, one entry per call (0 once they run out). */
function pass(name: string, runs: number, gains: number[], log: string[], scenario = false): Pass {
  return {
    name,
    ...(scenario ? { scenario: true as const } : {}),
    run: (s) => {
      log.push(name);
      s.runs += runs;
      const g = gains.shift() ?? 0;
      if (g > 0) (s as unknown as { best: { result: { events: number } } }).best = { result: { events: s.best.result.events - g } };
    },
  };
}

describe('PassScheduler', () => {
  it('runs the passes that paid most per run first and defers the idle ones until the rest stop paying', () => {
    const s = fakeState(1000);
    const log: string[] = [];
    const tier = [pass('idle', 1, [], log), pass('cheap', 1, [10, 10], log), pass('dear', 10, [50, 50], log)];
    const scheduler = new PassScheduler(s, { protocol: undefined as never, seed: 1 }, true);
    expect(scheduler.round(tier)).toBe(true);
    expect(log).toEqual(['idle', 'cheap', 'dear']);
    log.length = 0;
    // cheap removed 10 per run, dear 5 per run; idle removed nothing and waits.
    expect(scheduler.round(tier)).toBe(true);
    expect(log).toEqual(['cheap', 'dear']);
    log.length = 0;
    // Neither pays any more: then the idle pass is tried too, and the round reports no progress.
    expect(scheduler.round(tier)).toBe(false);
    expect(log).toEqual(['cheap', 'dear', 'idle']);
    expect(scheduler.records.get('dear')).toMatchObject({ runs: 30, gain: 100, lastRuns: 10, lastGain: 0 });
    log.length = 0;
    // Nothing changed the best since every pass last ran and found nothing: a round reruns none of them.
    expect(scheduler.round(tier)).toBe(false);
    expect(log).toEqual([]);
  });

  it('skips the scenario passes when the plan was not made explicit, and stops when the budget is spent', () => {
    const s = fakeState(100);
    const log: string[] = [];
    const scheduler = new PassScheduler(s, { protocol: undefined as never, seed: 1 }, false);
    scheduler.round([pass('plan', 1, [5], log, true), pass('choices', 1, [5], log)]);
    expect(log).toEqual(['choices']);
    s.exhausted = true;
    scheduler.round([pass('choices', 1, [5], log)]);
    expect(log).toEqual(['choices']);
  });
});

describe('seededScenario', () => {
  it('reruns its candidates from the seed, so a kept one is a fresh run of the seed under its scenario', () => {
    const protocol = amnesia();
    const first = simulate({ protocol, seed: 7, recordChoices: true, trace: 'none' });
    const s = startedShrink(protocol, 7, 'increasing', {}, first);
    seededScenario(s, { protocol, seed: 7 });
    expect(s.fromSeed).toBe(false);
    expect(s.best.result.events).toBeLessThan(first.events);
    const fresh = simulate({ protocol, seed: 7, scenario: s.best.scenario, recordChoices: true, trace: 'none' });
    expect(fresh.events).toBe(s.best.result.events);
    expect(fresh.choices).toEqual(s.best.choices);
  });

  it('quiets the network of a kept candidate: its drops and duplicates are the seed draws again', () => {
    const tried: unknown[] = [];
    const history = [{ client: 'c1' }, { client: 'c1' }];
    const fake = {
      exhausted: false,
      fromSeed: false,
      best: { scenario: { faults: [], faultPlan: [{ atMs: 5, kind: 'crash', node: 'n1' }] }, choices: {}, result: { events: 100, history } },
      tryScenario(scenario: unknown) {
        // The first candidate rerun from the seed is kept, with a drop and a duplicate drawn.
        if (!fake.fromSeed || tried.length > 0 || fake.best.result.events < 100) return false;
        fake.best = { scenario, choices: { 'network/n1>n2': [0.3, 1, 0.5, 1], 'node/n1': [1] }, result: { events: 50, history } } as never;
        return true;
      },
      tryChoices(choices: unknown) {
        tried.push(choices);
        return false;
      },
    };
    seededScenario(fake as unknown as ShrinkState, { protocol: amnesia(), seed: 7 });
    expect(fake.best.result.events).toBe(50);
    expect(tried).toEqual([{ 'network/n1>n2': [0.3, 0, 0.5, 0], 'node/n1': [1] }]);
  });
});
