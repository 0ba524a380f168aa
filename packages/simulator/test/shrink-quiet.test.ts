import { describe, expect, it } from 'vitest';
import { shrink, simulate } from '../src/index.ts';
import { ShrinkState } from '../src/shrink-state.ts';
import { rumour } from './fixtures/rumour.ts';

const violation = { property: 'all-know' };

describe('the quiet time before a property checked at the end', () => {
  it('is cut while the correct version still converges in it and the bug fails with the whole of it', () => {
    const protocol = rumour();
    const before = simulate({ protocol, seed: 1, bug: 'n1-mute' });
    expect(before.violation?.property).toBe('all-know');
    const r = shrink({ protocol, seed: 1, bug: 'n1-mute' }, violation, { maxRuns: 300 });
    const quietMs = r.schedule.scenario.quietMs!;
    expect(quietMs).toBeLessThan(500);
    expect(r.notes).toContain(`the quiet time before 'all-know' is checked was cut from 2000 to ${quietMs} ms: the run fails the same way with the whole of it too`);
    expect(r.shrunk.events).toBeLessThan(before.events / 4);
    const { scenario, choices } = r.schedule;
    expect(simulate({ protocol, seed: 1, scenario, choices }).violation).toBeUndefined();
    expect(simulate({ protocol, seed: 1, bug: 'n1-mute', scenario: { ...scenario, quietMs: 2_000 }, choices }).violation?.property).toBe('all-know');
    expect(simulate({ protocol, seed: 1, bug: 'n1-mute', scenario, choices, trace: 'hash' }).traceHash).toBe(r.traceHash);
  });

  it('is not cut for a property checked after every event', () => {
    const protocol = { ...rumour(), properties: rumour().properties.map((p) => ({ ...p, kind: 'always' as const })) };
    const r = shrink({ protocol, seed: 1, bug: 'n1-mute' }, violation, { maxRuns: 100 });
    expect(r.passes.shorterQuiet?.runs ?? 0).toBe(0);
    expect(r.schedule.scenario.quietMs).toBeUndefined();
  });

  it('once cut, keeps no run that fails only for want of time', () => {
    const protocol = rumour();
    // The slow bug fails with 1 s of quiet time (nobody tells before 1.5 s) and passes with the whole 2 s.
    const short = { quietMs: 1_000 };
    const first = simulate({ protocol, seed: 1, bug: 'slow', scenario: short, recordChoices: true, trace: 'none' });
    expect(first.violation?.property).toBe('all-know');
    expect(simulate({ protocol, seed: 1, bug: 'slow', choices: first.choices!, trace: 'none' }).violation).toBeUndefined();
    const attempt = (fullQuietMs: number | undefined) => {
      const s = new ShrinkState({ protocol, seed: 1, bug: 'slow' }, undefined, 'all-know', { maxRuns: 100, deadline: Infinity, clock: undefined, onRun: () => {} });
      s.original = { events: first.events, faults: 0, requests: 0 };
      s.best = { scenario: short, choices: first.choices!, result: first };
      s.fullQuietMs = fullQuietMs;
      return s.attempt({ quietMs: 500 }, first.choices!);
    };
    expect(attempt(undefined)).toBe(true);
    expect(attempt(2_000)).toBe(false);
  });
});
