import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.ts';
import type { InFlight } from '../../src/explore/model-state.ts';
import { deriveMsgs, msgSetHash } from '../../src/explore/state-hash.ts';
import { Unordered } from '../../src/explore/structural-hash.ts';

const message = (rng: Rng): InFlight => ({ from: `n${rng.int(3)}`, to: `n${rng.int(3)}`, msg: { type: 'ping', n: rng.int(4) }, copy: rng.random() < 0.2 });

describe('the multiset of messages in flight, updated step by step', () => {
  it('Unordered.remove takes out exactly what add put in', () => {
    const a = new Unordered();
    const b = new Unordered();
    a.add(5, 0);
    a.add(2 ** 52 + 7, 3);
    a.remove(5, 0);
    b.add(2 ** 52 + 7, 3);
    expect(a.value(1)).toBe(b.value(1));
    a.remove(2 ** 52 + 7, 3);
    expect(a.value(1)).toBe(new Unordered().value(1));
    expect(b.value(1)).not.toBe(new Unordered().value(1));
  });

  it('a derived array hashes as the same messages in a fresh array do, after many steps', () => {
    const rng = new Rng('state-hash');
    let msgs: InFlight[] = [];
    msgSetHash(msgs);
    for (let step = 0; step < 2000; step++) {
      const parent = msgs;
      if (parent.length > 0 && rng.random() < 0.5) {
        // Deliver or drop one, then maybe send some (a turn's broadcast).
        const i = rng.int(parent.length);
        const removed = parent[i]!;
        const without = parent.filter((_, j) => j !== i);
        deriveMsgs(without, parent, removed);
        const sent = [...without, ...Array.from({ length: rng.int(3) }, () => message(rng))];
        deriveMsgs(sent, without, undefined, sent, without.length);
        msgs = sent;
      } else {
        const sent = [...parent, message(rng)];
        deriveMsgs(sent, parent, undefined, sent, parent.length);
        msgs = sent;
      }
      // A fresh array of the same messages in another order is hashed from scratch.
      expect(msgSetHash(msgs)).toBe(msgSetHash([...msgs].reverse()));
    }
  });

  it('tells apart multisets that differ in one message or in how many copies', () => {
    const m = { from: 'n1', to: 'n2', msg: { type: 'ping' }, copy: false };
    const one = [m];
    const two = [m, m];
    deriveMsgs(two, one, undefined, two, 1);
    const none: InFlight[] = [];
    deriveMsgs(none, one, m);
    expect(new Set([msgSetHash(one), msgSetHash(two), msgSetHash(none), msgSetHash([{ ...m, copy: true }])]).size).toBe(4);
  });
});
