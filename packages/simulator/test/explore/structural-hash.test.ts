import { canonicalJson } from '@faultline/runtime';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { structuralHash } from '../../src/explore/structural-hash.ts';

const values: unknown[] = [
  null, undefined, true, false, 0, -0, 1, -1, 2 ** 40, -(2 ** 40), 1.5, 1e300, NaN, '', '0', '1', 'ab', 'ba', 10n,
  [], [1, 2], [2, 1], [undefined], [null], [[1], 2], [1, [2]],
  {}, { a: 1 }, { a: 1, b: undefined }, { b: 1 }, { a: '1' }, { a: 1, b: 2 }, { b: 2, a: 1 }, { a: { b: 1 } }, { a: [1] },
  new Map([['a', 1]]), new Map([[1, 'a']]), new Map([['a', 1], ['b', 2]]), new Map([['b', 2], ['a', 1]]),
  new Set([1, 2]), new Set([2, 1]), new Set(['1', '2']), new Set(),
];

describe('structuralHash', () => {
  it('two values hash alike exactly when canonicalJson writes them alike', () => {
    for (const x of values)
      for (const y of values) {
        const same = canonicalJson(x) === canonicalJson(y);
        expect(structuralHash(x) === structuralHash(y), `${canonicalJson(x)} vs ${canonicalJson(y)}`).toBe(same);
      }
  });

  it('a state changed along one path by immer hashes as a fresh copy of it does, and unlike its parent', () => {
    const base = { nodes: Array.from({ length: 50 }, (_, i) => ({ id: i, log: [i, i + 1], seen: { [`k${i}`]: true } })) };
    const before = structuralHash(base);
    const next = produce(base, (d) => {
      d.nodes[7]!.log.push(99);
    });
    expect(structuralHash(next)).not.toBe(before);
    expect(structuralHash(next)).toBe(structuralHash(JSON.parse(JSON.stringify(next))));
    expect(structuralHash(base)).toBe(before);
  });
});
