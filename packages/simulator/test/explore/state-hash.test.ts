import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultisetHash } from '../../src/explore/state-hash.ts';
import { structuralHash, textHash } from '../../src/explore/structural-hash.ts';

type Item = { readonly v: number };
const hashOf = (x: Item) => structuralHash(x.v);

describe('MultisetHash', () => {
  it('an array derived from its parent hashes as the same array hashed from scratch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }),
        fc.array(fc.record({ remove: fc.nat(), add: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 3 }) }), { maxLength: 8 }),
        (start, steps) => {
          const derived = new MultisetHash<Item>(hashOf);
          let items: Item[] = start.map((v) => ({ v }));
          derived.of(items);
          for (const step of steps) {
            const i = items.length === 0 ? -1 : step.remove % items.length;
            const removed = i < 0 ? undefined : items[i];
            const kept = i < 0 ? items : [...items.slice(0, i), ...items.slice(i + 1)];
            const child = [...kept, ...step.add.map((v) => ({ v }))];
            derived.derived(items, child, removed, kept.length);
            expect(derived.of(child)).toBe(new MultisetHash<Item>(hashOf).of(child.map((x) => ({ v: x.v }))));
            items = child;
          }
        },
      ),
    );
  });

  it('order does not matter, multiplicity does', () => {
    const h = new MultisetHash<Item>(hashOf);
    expect(h.of([{ v: 1 }, { v: 2 }])).toBe(h.of([{ v: 2 }, { v: 1 }]));
    expect(h.of([{ v: 1 }, { v: 1 }])).not.toBe(h.of([{ v: 1 }]));
  });

  it('a derivation whose parent was never hashed is not recorded (the child is hashed from scratch)', () => {
    const h = new MultisetHash<Item>(hashOf);
    const parent = [{ v: 1 }, { v: 2 }];
    const child = [parent[0]!];
    // A wrong removal would give a wrong hash if it were applied: it is not, since the parent has no sums yet.
    h.derived(parent, child, { v: 7 });
    expect(h.of(child)).toBe(new MultisetHash<Item>(hashOf).of([{ v: 1 }]));
  });
});

describe('textHash', () => {
  it('gives a text the same hash before and after its cache fills and is cleared', () => {
    const texts = ['', 'a', 'n1', 'x'.repeat(64), 'y'.repeat(65)];
    const before = texts.map(textHash);
    for (let i = 0; i < 70_000; i++) textHash(`k${i}`);
    expect(texts.map(textHash)).toEqual(before);
    expect(new Set(before).size).toBe(texts.length);
  });
});
