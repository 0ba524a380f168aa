import { describe, expect, it } from 'vitest';
import { ChoiceOverrun, Choices, MAX_DEFAULT_DRAWS_PER_EVENT, Rng, simulate } from '../src/index.ts';
import { amnesia } from './fixtures/amnesia.ts';

const protocol = amnesia(1);

describe('Choices', () => {
  it('records what the seeded streams draw without changing a draw', () => {
    const plain = new Rng('s').fork('network');
    const choices = new Choices(new Rng('s'), undefined, true);
    const a = choices.stream('network/n1>n2', 'network');
    const b = choices.stream('network/n2>n1', 'network');
    const drawn = [a.random(), b.int(10), a.chance(0.5), b.between(1, 5), a.chance(0)];
    expect(drawn).toEqual([plain.random(), plain.int(10), plain.chance(0.5), 1 + 4 * plain.random(), false]);
    const seq = choices.sequence()!;
    // Two labels over one seeded stream; chance(0) draws nothing.
    expect(Object.keys(seq)).toEqual(['network/n1>n2', 'network/n2>n1']);
    expect(seq['network/n1>n2']).toHaveLength(2);
    expect(seq['network/n2>n1']).toEqual([drawn[1], (drawn[3] as number - 1) / 4]);
  });

  it('replays a sequence, reads mismatched kinds sanely, and gives 0s past the end', () => {
    const choices = new Choices(new Rng('ignored'), { x: [0.25, 7, 1, 3.5, 0.9] }, false);
    const x = choices.stream('x');
    expect([x.random(), x.int(5), x.chance(0.1), x.random(), x.chance(0.9), x.random(), x.int(4), x.chance(0.99)]).toEqual([0.25, 2, true, 0, false, 0, 0, false]);
    expect(choices.sequence()).toEqual({ x: [0.25, 2, 1, 0, 0, 0, 0, 0] });
    expect(choices.stream('y').between(3, 9)).toBe(3); // a stream the sequence lacks: the minimum
  });

  it('stops a draw loop that spins on the defaults with a clear error', () => {
    const choices = new Choices(new Rng('s'), {}, false);
    const r = choices.stream('workload/c1');
    expect(() => {
      for (;;) if (r.pick(['a', 'b']) === 'b') break;
    }).toThrow(ChoiceOverrun);
    choices.tick();
    expect(choices.defaults).toBe(0);
    expect(MAX_DEFAULT_DRAWS_PER_EVENT).toBeGreaterThan(1000);
  });
});

describe('a run under a choice sequence', () => {
  const recorded = simulate({ protocol, seed: 7, recordChoices: true, trace: 'hash' });

  it('keeps the trace of the seeded run (the recorder only observes)', () => {
    expect(recorded.traceHash).toBe(simulate({ protocol, seed: 7, trace: 'hash' }).traceHash);
    expect(simulate({ protocol, seed: 7, trace: 'none' }).choices).toBeUndefined();
  });

  it('replays exactly from its recorded choices, whatever the seed', () => {
    const again = simulate({ protocol, seed: 7, choices: recorded.choices, trace: 'hash' });
    expect(again.traceHash).toBe(recorded.traceHash);
    expect(again.choices).toEqual(recorded.choices);
    const otherSeed = simulate({ protocol, seed: 12345, choices: recorded.choices, trace: 'full' });
    expect(otherSeed.events).toBe(recorded.events);
    expect(otherSeed.violation).toEqual(recorded.violation);
  });

  it('changes when the choices change', () => {
    const none = simulate({ protocol, seed: 7, choices: {}, trace: 'hash' });
    expect(none.traceHash).not.toBe(simulate({ protocol, seed: 7, choices: recorded.choices, trace: 'hash' }).traceHash);
  });
});
