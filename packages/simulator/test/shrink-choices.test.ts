import { describe, expect, it } from 'vitest';
import { findInteger, raiseValues, withStream } from '../src/shrink-choices.ts';
import type { ShrinkState } from '../src/shrink-state.ts';
import type { ChoiceSequence } from '../src/choices.ts';
import { shrink, simulate } from '../src/index.ts';
import { amnesia } from './fixtures/amnesia.ts';

describe('findInteger', () => {
  it('finds the largest n that holds, in logarithmically many probes', () => {
    for (const limit of [0, 1, 3, 4, 5, 17, 1000]) {
      const probes: number[] = [];
      const n = findInteger((k) => (probes.push(k), k <= limit));
      expect(n).toBe(limit);
      expect(probes.length).toBeLessThanOrEqual(6 + 2 * Math.ceil(Math.log2(limit + 2)));
    }
  });
});

describe('withStream', () => {
  it('replaces one stream and leaves an empty one out', () => {
    const seq = { a: [1], b: [0.5, 0.25] };
    expect(withStream(seq, 'b', [0])).toEqual({ a: [1], b: [0] });
    expect(withStream(seq, 'a', [])).toEqual({ b: [0.5, 0.25] });
    expect(seq).toEqual({ a: [1], b: [0.5, 0.25] });
  });
});

describe('raiseValues', () => {
  /** A stand-in for the shrink state whose candidates are kept when `keep` says so. */
  function fake(choices: ChoiceSequence, keep: (c: ChoiceSequence) => boolean) {
    const tried: ChoiceSequence[] = [];
    const s = {
      exhausted: false,
      best: { choices },
      tryChoices(c: ChoiceSequence) {
        tried.push(c);
        if (!keep(c)) return false;
        s.best = { choices: c };
        return true;
      },
    };
    return { s: s as unknown as ShrinkState, tried };
  }

  it('raises each value below 1 to the first of 0.5, 0.9, 0.99, 1 that is kept, and leaves values of 1 (a yes) alone', () => {
    const { s, tried } = fake({ a: [0, 0.2, 0.95], b: [1] }, (c) => c.a![1] === 0.9 && c.a![2] === 0.95);
    raiseValues(s);
    expect(s.best.choices).toEqual({ a: [0, 0.9, 0.95], b: [1] });
    expect(tried.map((c) => c.a)).toEqual([
      [0.5, 0.2, 0.95],
      [0.9, 0.2, 0.95],
      [0.99, 0.2, 0.95],
      [1, 0.2, 0.95],
      [0, 0.5, 0.95],
      [0, 0.9, 0.95],
      [0, 0.9, 0.99],
      [0, 0.9, 1],
    ]);
    expect(tried.every((c) => c.b![0] === 1)).toBe(true);
  });

  it('never raises a network stream to 1 (a drop or a duplicate)', () => {
    const { s, tried } = fake({ 'network/n1>n2': [0] }, () => false);
    raiseValues(s);
    expect(tried.map((c) => c['network/n1>n2'])).toEqual([[0.5], [0.9], [0.99]]);
  });

  it('stops when the budget is spent', () => {
    const { s, tried } = fake({ a: [0, 0, 0] }, () => false);
    (s as { exhausted: boolean }).exhausted = true;
    raiseValues(s);
    expect(tried).toEqual([]);
  });
});

describe('shrinking the choice sequence', () => {
  it('ends with a sequence that is what the shrunk run draws, smaller than the original run drew', () => {
    const protocol = amnesia(1);
    const original = simulate({ protocol, seed: 7, recordChoices: true, trace: 'none' });
    const r = shrink({ protocol, seed: 7 }, original.violation!, { maxRuns: 120 });
    const count = (c: object) => Object.values(c).reduce((n: number, v: number[]) => n + v.length, 0);
    expect(count(r.schedule.choices!)).toBeLessThan(count(original.choices!));
    const replayed = simulate({ protocol, seed: 7, scenario: r.schedule.scenario, choices: r.schedule.choices, trace: 'hash' });
    expect(replayed.choices).toEqual(r.schedule.choices);
    expect(replayed.traceHash).toBe(r.traceHash);
  });
});
