import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';
import { ShrinkState } from '../src/shrink-state.ts';
import { dice } from './fixtures/dice.ts';

const state = (bug: string | undefined) => {
  const protocol = dice();
  const first = simulate({ protocol, seed: 1, ...(bug ? { bug } : {}), recordChoices: true, trace: 'none' });
  expect(first.violation?.property).toBe('no-six');
  const s = new ShrinkState({ protocol, seed: 1, ...(bug ? { bug } : {}) }, undefined, 'no-six', { maxRuns: 200, deadline: Infinity, clock: undefined, onRun: () => {} });
  s.original = { events: first.events, faults: 0, requests: 0 };
  s.best = { scenario: {}, choices: first.choices!, result: first };
  return { protocol, first, s };
};

describe('random restarts near the best run (tryFresh)', () => {
  it('keep a run of another seed that fails sooner, replayable under the shrink\'s own seed', () => {
    const { protocol, first, s } = state(undefined);
    const kept: number[] = [];
    for (let k = 1; k <= 20; k++) if (s.tryFresh({}, `1~${k}`) === true) kept.push(s.best.result.events);
    expect(kept.length).toBeGreaterThan(0);
    // Each kept run is no longer than the one before it (smaller in the order of `smaller`), and the best replays under seed 1 to the same run.
    expect(kept.every((e, i) => e <= (i === 0 ? first.events : kept[i - 1]!))).toBe(true);
    const replay = simulate({ protocol, seed: 1, choices: s.best.choices, trace: 'none' });
    expect(replay.violation?.property).toBe('no-six');
    expect(replay.events).toBe(s.best.result.events);
  });

  it('keep none under which the correct version fails the same way', () => {
    const { s, first } = state('no-op');
    for (let k = 1; k <= 20; k++) expect(s.tryFresh({}, `1~${k}`)).toBe(false);
    expect(s.best.result).toBe(first);
  });
});
