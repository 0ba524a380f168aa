import { describe, expect, it } from 'vitest';
import { CheckpointCorruptError, KenUsageError, SimDisk } from '../src/index.ts';
import { mulberry32 } from './rng.ts';

const rec = (s: string) => new TextEncoder().encode(s);
const text = (xs: Uint8Array[]) => xs.map((x) => new TextDecoder().decode(x));

describe('SimDisk', () => {
  it('numbers records and keeps them volatile until a sync completes', () => {
    const d = new SimDisk();
    expect(d.append(rec('a'))).toBe(1);
    expect(d.append(rec('b'))).toBe(2);
    expect(d.durableUpTo).toBe(0);
    const upTo = d.beginSync();
    d.append(rec('c'));
    d.completeSync(upTo);
    expect(d.durableUpTo).toBe(2);
    expect(d.appendedUpTo).toBe(3);
    d.crash(mulberry32(1), { tear: false });
    expect(text(d.load())).toEqual(['a', 'b']);
    expect(d.appendedUpTo).toBe(2);
    expect(d.append(rec('d'))).toBe(3);
    expect(d.counters).toMatchObject({ appends: 4, syncs: 1, crashes: 1 });
  });

  it('a lying disk loses synced records too', () => {
    const d = new SimDisk();
    for (const x of ['a', 'b', 'c']) d.append(rec(x));
    d.syncNow();
    d.crash(mulberry32(1), { tear: false, lie: 1 });
    expect(text(d.load())).toEqual(['a', 'b']);
    expect(d.durableUpTo).toBe(2);
  });

  it('a torn write leaves garbage that load drops and cuts off', () => {
    let tears = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const d = new SimDisk();
      d.append(rec('durable'));
      d.syncNow();
      d.append(rec('x'.repeat(100)));
      d.append(rec('y'));
      d.crash(mulberry32(seed), { tear: true });
      tears += d.counters.tears;
      expect(text(d.load())).toEqual(['durable']);
      expect(d.append(rec('after'))).toBe(2);
      expect(text(d.load())).toEqual(['durable', 'after']);
    }
    expect(tears).toBeGreaterThan(40);
  });

  it('ignores a sync that completes after a crash', () => {
    const d = new SimDisk();
    d.append(rec('a'));
    const epoch = d.epoch;
    const upTo = d.beginSync();
    d.crash(mulberry32(1), { tear: false });
    d.load();
    d.append(rec('b'));
    expect(d.completeSync(upTo, epoch)).toBe(false);
    expect(d.durableUpTo).toBe(0);
  });

  it('corruption of a middle record throws CheckpointCorruptError naming it; of the last, drops it', () => {
    const d = new SimDisk('n1-disk');
    for (const s of ['a', 'b', 'c']) d.append(rec(s));
    d.syncNow();
    d.corrupt(2, 8);
    expect(() => d.load()).toThrow(CheckpointCorruptError);
    try {
      d.load();
    } catch (e) {
      expect((e as CheckpointCorruptError).record).toBe(2);
      expect((e as Error).message).toContain('n1-disk');
    }
    const e = new SimDisk();
    for (const s of ['a', 'b', 'c']) e.append(rec(s));
    e.syncNow();
    e.corrupt(3, 0);
    expect(text(e.load())).toEqual(['a', 'b']);
    expect(e.durableUpTo).toBe(2);
  });

  it('compacts only durable prefixes', () => {
    const d = new SimDisk();
    for (const s of ['a', 'b', 'c', 'd']) d.append(rec(s));
    d.completeSync(3);
    expect(() => d.compact(4)).toThrow(KenUsageError);
    d.compact(3);
    expect(text(d.load())).toEqual(['c', 'd']);
    expect(d.recordCount).toBe(2);
    expect(d.append(rec('e'))).toBe(5);
  });
});
