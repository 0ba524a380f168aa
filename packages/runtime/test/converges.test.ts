import { describe, expect, it } from 'vitest';
import { converges, type SystemView } from '../src/index.ts';

type S = { items: Set<string>; meta: { a: number; b: number } };
const view = (...states: (S | undefined)[]): SystemView<S> => ({
  nowMs: 0,
  phase: 'quiescent',
  history: [],
  nodes: states.map((state, i) => ({ id: `n${i + 1}`, up: state !== undefined, paused: false, state })),
});
const same = converges<S>('same-items', 'replicas hold the same items', (s) => s);

describe('converges', () => {
  it('holds when every up node projects to the same value, whatever the insertion or key order', () => {
    const a: S = { items: new Set(['x', 'y']), meta: { a: 1, b: 2 } };
    const b: S = { items: new Set(['y', 'x']), meta: { b: 2, a: 1 } };
    expect(same.kind).toBe('eventually');
    expect(same.check(view(a, b, undefined))).toBe(true);
  });

  it('names the first pair that differs', () => {
    const a: S = { items: new Set(['x']), meta: { a: 1, b: 2 } };
    const b: S = { items: new Set(['x', 'z']), meta: { a: 1, b: 2 } };
    expect(same.check(view(a, a, b))).toBe('n1 and n3 differ: {"items":{"$set":["x"]},"meta":{"a":1,"b":2}} vs {"items":{"$set":["x","z"]},"meta":{"a":1,"b":2}}');
  });

  it('compares only what the projection keeps', () => {
    const items = converges<S>('items', 'same items', (s) => s.items);
    expect(items.check(view({ items: new Set(['x']), meta: { a: 1, b: 2 } }, { items: new Set(['x']), meta: { a: 9, b: 9 } }))).toBe(true);
  });
});
