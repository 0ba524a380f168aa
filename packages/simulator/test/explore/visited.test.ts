import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.ts';
import { VisitedSet } from '../../src/explore/visited.ts';

describe('VisitedSet', () => {
  it('holds exactly the hashes added, through many doublings, as a Set of their texts does', () => {
    const set = new VisitedSet(4);
    const texts = new Set<string>();
    const rng = new Rng('visited');
    const wrong: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      // Few distinct high words, so that probes collide and run long.
      const hi = rng.int(8) * 0x10000000;
      const lo = rng.int(5000);
      const fresh = !texts.has(`${hi}:${lo}`);
      texts.add(`${hi}:${lo}`);
      if (set.add(hi, lo) !== fresh || set.size !== texts.size) wrong.push(`${k}: ${hi}:${lo}`);
    }
    expect(wrong).toEqual([]);
    for (let lo = 0; lo < 5000; lo++) expect(set.has(0x30000000, lo)).toBe(texts.has(`${0x30000000}:${lo}`));
  });

  it('keeps 0:0 (its empty mark) and words above 2^31', () => {
    const set = new VisitedSet();
    expect(set.has(0, 0)).toBe(false);
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
    expect(set.add(0xffffffff, 0x80000000)).toBe(true);
    expect(set.has(-1, -2147483648)).toBe(true);
    for (let k = 1; k < 100; k++) set.add(k, k);
    expect(set.has(0, 0)).toBe(true);
    expect(set.size).toBe(101);
  });
});

describe('VisitedSet values', () => {
  it('keeps the value a hash was first inserted with, through doublings, 0:0 included', () => {
    const set = new VisitedSet(4);
    const first = new Map<string, number>();
    const rng = new Rng('visited-values');
    const wrong: string[] = [];
    for (let k = 0; k < 10_000; k++) {
      const hi = rng.int(4) * 0x40000000;
      const lo = k < 10 ? 0 : rng.int(3000);
      const key = `${hi}:${lo}`;
      const got = set.insert(hi, lo, k);
      const want = first.get(key) ?? -1;
      if (want < 0) first.set(key, k);
      if (got !== want) wrong.push(`${k}: ${key} gave ${got}, not ${want}`);
    }
    expect(wrong).toEqual([]);
    expect(set.size).toBe(first.size);
  });

  it('a copy holds the same hashes and values, 0:0 included, and grows apart from the original', () => {
    const set = new VisitedSet(4);
    set.insert(0, 0, 7);
    for (let k = 1; k < 50; k++) set.insert(k, 3 * k, k);
    const copy = set.copy();
    expect(copy.size).toBe(50);
    expect(copy.insert(0, 0, 99)).toBe(7);
    for (let k = 1; k < 50; k++) expect(copy.insert(k, 3 * k, 0)).toBe(k);
    for (let k = 50; k < 500; k++) expect(copy.add(k, 3 * k)).toBe(true);
    expect(copy.size).toBe(500);
    expect(set.size).toBe(50);
    expect(set.has(60, 180)).toBe(false);
    expect(set.insert(49, 147, 0)).toBe(49);
  });
});
