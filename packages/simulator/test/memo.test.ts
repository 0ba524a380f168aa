import { describe, expect, it } from 'vitest';
import { Bitset } from '../src/checkers/bitset.ts';
import { SearchMemo } from '../src/checkers/memo.ts';

/** A deterministic stream of 32-bit numbers (xorshift). */
function numbers(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

describe('SearchMemo', () => {
  it('answers "seen before" exactly for repeated (set, state) pairs, whatever the sets look like, even when all their hashes collide', () => {
    const next = numbers(12345);
    for (const size of [1, 31, 32, 33, 64, 100, 1500]) {
      const memo = new SearchMemo<string>((a, b) => a === b);
      const seen = new Set<string>();
      const set = new Bitset(size);
      for (let round = 0; round < 3000; round++) {
        // Shapes the search makes (a full prefix, a ragged middle, an empty tail) and others.
        const prefix = next() % (size + 1);
        for (let i = 0; i < size; i++) {
          const wanted = i < prefix ? next() % 16 !== 0 : i < prefix + 40 && next() % 3 === 0;
          if (wanted !== set.has(i)) wanted ? set.add(i) : set.remove(i);
        }
        const state = String(next() % 3);
        // Every set hashed alike: the memo must tell them apart by what it stores.
        set.hash = 0;
        const key = `${[...Array(size).keys()].filter((i) => set.has(i)).join(',')}|${state}`;
        expect(memo.remember(set, state)).toBe(!seen.has(key));
        seen.add(key);
        expect(memo.remember(set, state)).toBe(false);
      }
    }
  });

  it('tells apart sets that differ only in their full prefix or their empty tail', () => {
    const memo = new SearchMemo<number>((a, b) => a === b);
    const a = new Bitset(96);
    const remember = (state: number) => {
      a.hash = 0;
      return memo.remember(a, state);
    };
    for (let i = 0; i < 64; i++) a.add(i);
    expect(remember(0)).toBe(true);
    a.remove(3);
    expect(remember(0)).toBe(true);
    a.add(3);
    a.add(95);
    expect(remember(0)).toBe(true);
    a.remove(95);
    expect(remember(0)).toBe(false);
  });
});
