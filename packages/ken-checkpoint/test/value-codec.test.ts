import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CheckpointCorruptError, decodeCheckpointRecord, encodeCheckpointRecord, encodeTurnRecord, frameRecord, type CheckpointRecord } from '../src/index.ts';
import { ByteReader, ByteWriter } from '../src/value-codec.ts';
import { mulberry32 } from './rng.ts';

function roundTrip(v: unknown): unknown {
  const w = new ByteWriter();
  w.value(v);
  const r = new ByteReader(w.take());
  const out = r.value();
  expect(r.done).toBe(true);
  return out;
}

/** A random plain value: what protocol states and messages are made of. */
function randomValue(rng: ReturnType<typeof mulberry32>, depth: number): unknown {
  const pick = rng.int(depth > 3 ? 7 : 9);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng.int(2) === 0;
    case 2:
      return rng.int(2 ** 31) * (rng.int(2) === 0 ? 1 : -1);
    case 3:
      return (rng.int(1e9) - 5e8) / 7;
    case 4:
      return [2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -0, NaN, Infinity, 0.1][rng.int(7)];
    case 5:
      return Array.from({ length: rng.int(140) }, () => String.fromCharCode(32 + rng.int(90))).join('');
    case 6:
      return ['', 'é', 'ünïcödé ✓', '𝄞 clef', 'a'.repeat(127) + 'é', 'x'.repeat(300)][rng.int(6)];
    case 7:
      return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(5); i > 0; i--) o[`k${rng.int(20)}`] = randomValue(rng, depth + 1);
      return o;
    }
  }
}

describe('value codec', () => {
  it('round-trips random plain values exactly (-0, NaN and unicode included)', () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 2000; i++) {
      const v = randomValue(rng, 0);
      expect(roundTrip(v)).toStrictEqual(v);
    }
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(undefined)).toBe(undefined);
    expect(roundTrip({ a: undefined })).toStrictEqual({ a: undefined });
  });

  it('hands what is not plain data to the structured clone, which keeps it as v8.serialize did', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const odd = { m: new Map([['a', 1]]), s: new Set([1, 2]), d: new Date(5), big: 12n, u8: new Uint8Array([1, 2]), sparse, p: new Point(3) };
    const back = roundTrip(odd) as typeof odd;
    expect(back.m).toStrictEqual(new Map([['a', 1]]));
    expect(back.s).toStrictEqual(new Set([1, 2]));
    expect(back.d).toStrictEqual(new Date(5));
    expect(back.big).toBe(12n);
    expect(back.u8).toStrictEqual(new Uint8Array([1, 2]));
    expect(1 in back.sparse).toBe(false);
    expect(back.sparse.length).toBe(3);
    expect(back.p).toStrictEqual({ x: 3 }); // a clone drops the class, as before
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: unknown = cyclic;
    for (let i = 0; i < 300; i++) deep = [deep];
    let got = roundTrip(deep);
    for (let i = 0; i < 300; i++) got = (got as unknown[])[0];
    expect((got as typeof cyclic).self).toBe(got);
    expect(() => roundTrip({ f: () => 1 })).toThrow();
  });

  it('keeps a key named __proto__ as an own property', () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const back = roundTrip(v) as Record<string, unknown>;
    expect(Object.keys(back)).toStrictEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBe(undefined);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('gives the same bytes for the same value, and refuses bytes it did not write', () => {
    const w = new ByteWriter();
    const v = { b: [1, 'two', { c: 3.5 }], a: null };
    w.value(v);
    const one = w.take();
    w.value(structuredClone(v));
    expect(w.take()).toStrictEqual(one);
    expect(() => new ByteReader(one.subarray(0, one.length - 1)).value()).toThrow(RangeError);
    expect(() => new ByteReader(Uint8Array.of(42)).value()).toThrow(/unknown value tag 42/);
    expect(() => new ByteReader(Uint8Array.of(7, 0xff, 0xff, 0xff, 0x0f)).value()).toThrow(RangeError);
  });
});

describe('checkpoint records', () => {
  const turn: CheckpointRecord = {
    kind: 'turn',
    patches: [
      { op: 'replace', path: ['app', 'balances', 'a1'], value: 99 },
      { op: 'add', path: ['out', 'n2', 'unacked', 3], value: { seq: 4, msg: { type: 'x' } } },
      { op: 'remove', path: ['timers', 't'] },
    ],
    requests: [
      ['r1', 'pending'],
      ['r1', { result: [1, 2] }],
      ['r2', { redirect: 'n3' }],
    ],
  };

  it('round-trips snapshots and turns, with and without request notes', () => {
    const snapshot: CheckpointRecord = { kind: 'snapshot', state: { app: { x: 1 }, out: {}, in: { n2: 3 }, timers: {} }, requests: turn.requests! };
    for (const rec of [turn, snapshot, { kind: 'turn', patches: [] } as CheckpointRecord]) {
      expect(decodeCheckpointRecord(encodeCheckpointRecord(rec), 1)).toStrictEqual(rec);
    }
    // Smaller than the structured clone it replaces.
    expect(encodeCheckpointRecord(turn).length).toBeLessThan(serialize({ v: 2, ...turn }).length);
  });

  it('a turn written in prefixed groups is the same bytes as its patches with the prefixes joined on', () => {
    const app = [{ op: 'replace' as const, path: ['balances', 'a1'], value: 99 }];
    const grouped = encodeTurnRecord(
      [
        { prefix: [], patches: [] },
        { prefix: ['app'], patches: app },
        { prefix: [], patches: turn.patches.slice(1) },
      ],
      turn.requests!,
    );
    expect(grouped).toStrictEqual(encodeCheckpointRecord(turn));
    expect(decodeCheckpointRecord(grouped, 1)).toStrictEqual(turn);
    // A different prefix is a different record.
    expect(encodeTurnRecord([{ prefix: ['ap'], patches: app }], [])).not.toStrictEqual(encodeTurnRecord([{ prefix: ['app'], patches: app }], []));
  });

  it('framed, a record is the bytes frameRecord makes of it unframed', () => {
    const snapshot: CheckpointRecord = { kind: 'snapshot', state: { app: { x: [1, 'two'] }, out: {}, in: {}, timers: {} }, requests: turn.requests! };
    for (const rec of [turn, snapshot]) {
      const plain = encodeCheckpointRecord(rec);
      expect(encodeCheckpointRecord(rec, true)).toStrictEqual(frameRecord(plain));
    }
    const groups = [{ prefix: ['app'], patches: turn.patches }];
    expect(encodeTurnRecord(groups, [], true)).toStrictEqual(frameRecord(encodeTurnRecord(groups, [])));
  });

  it('still reads records written as structured clones (format 2)', () => {
    const legacy = serialize({ v: 2, ...turn });
    expect(decodeCheckpointRecord(legacy, 5)).toStrictEqual(turn);
    expect(() => decodeCheckpointRecord(serialize({ v: 1, kind: 'turn', patches: [] }), 5)).toThrow(CheckpointCorruptError);
  });

  it('a damaged payload is a CheckpointCorruptError naming the record', () => {
    const bytes = encodeCheckpointRecord(turn);
    expect(() => decodeCheckpointRecord(Uint8Array.of(9, 2, 0, 0), 7)).toThrow(/record 7.*format byte 9/);
    expect(() => decodeCheckpointRecord(bytes.subarray(0, bytes.length - 2), 7)).toThrow(CheckpointCorruptError);
    expect(() => decodeCheckpointRecord(Uint8Array.of(...bytes, 0), 7)).toThrow(/stray bytes/);
    const badOp = bytes.slice();
    badOp[3] = 9; // the first patch's op
    expect(() => decodeCheckpointRecord(badOp, 7)).toThrow(/unknown patch op/);
  });
});
