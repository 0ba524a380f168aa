import { describe, expect, it } from 'vitest';
import { EventHeap, Rng } from '../src/index.ts';

describe('EventHeap', () => {
  it('pops in (time, seq) order, whatever the push order', () => {
    const rng = new Rng('heap');
    const heap = new EventHeap<{ t: number; seq: number }>();
    const items = Array.from({ length: 2000 }, (_, seq) => ({ t: rng.int(50), seq }));
    for (const it of rng.shuffle(items)) heap.push(it);
    const out: { t: number; seq: number }[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e);
    expect(out).toEqual([...items].sort((a, b) => a.t - b.t || a.seq - b.seq));
    expect(heap.size).toBe(0);
  });

  it('lists what is left without taking it', () => {
    const heap = new EventHeap<{ t: number; seq: number }>();
    for (const [t, seq] of [[3, 0], [1, 1], [2, 2]]) heap.push({ t: t!, seq: seq! });
    heap.pop();
    expect(heap.remaining().map((e) => e.t).sort()).toEqual([2, 3]);
    expect(heap.size).toBe(2);
  });
});

describe('Rng', () => {
  it('is a pure function of its seed, and forks are independent streams', () => {
    const a = new Rng('s');
    const b = new Rng('s');
    expect(Array.from({ length: 5 }, () => a.random())).toEqual(Array.from({ length: 5 }, () => b.random()));
    const f1 = new Rng('s').fork('x');
    const parent = new Rng('s');
    parent.random();
    expect(parent.fork('x').random()).toBe(f1.random());
    expect(new Rng('s').fork('y').random()).not.toBe(new Rng('s').fork('x').random());
  });
});
