import { describe, expect, it } from 'vitest';
import { RequestCache, type RequestNote } from '../src/index.ts';

/** The reference: a Map in insertion order, evicting from its front. */
function reference(notes: readonly RequestNote[], max: number): RequestNote[] {
  const m = new Map<string, RequestNote[1]>();
  for (const [id, a] of notes) {
    m.set(id, a);
    while (m.size > max) m.delete(m.keys().next().value!);
  }
  return [...m];
}

describe('RequestCache', () => {
  it('evicts oldest first, an update keeps its place, over many evictions', () => {
    const notes: RequestNote[] = [];
    for (let i = 0; i < 5000; i++) {
      notes.push([`r${i}`, 'pending']);
      if (i % 3 === 0) notes.push([`r${i - 40}`, { result: i }]); // an update, or (when evicted) a re-entry
      notes.push([`r${i}`, { result: -i }]);
    }
    const c = new RequestCache(100);
    notes.forEach((n, k) => {
      c.note(n);
      if (k % 997 === 0) expect(c.entries()).toStrictEqual(reference(notes.slice(0, k + 1), 100));
    });
    expect(c.entries()).toStrictEqual(reference(notes, 100));
    expect(c.size).toBe(100);
    expect(c.get('r4999')).toStrictEqual({ result: -4999 });
    expect(c.get('r0')).toBe(undefined);
    expect(RequestCache.from(c.entries(), 10).entries()).toStrictEqual(reference(notes, 100).slice(-10));
  });
});
