import { describe, expect, it } from 'vitest';
import { CheckpointCorruptError, crc32, crc32Update, frameRecord, readRecord, scanRecords } from '../src/index.ts';
import { crc32UpdateFallback } from '../src/crc32.ts';
import { checkFramed, frameInPlace } from '../src/record-codec.ts';
import { SimDisk } from '../src/sim-disk.ts';
import { mulberry32 } from './rng.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function randomPayload(rng: { int(n: number): number }, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => rng.int(256));
}

describe('crc32', () => {
  it('matches the standard check value and is the same fed in pieces', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const data = bytes('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    expect(crc32Update(crc32Update(0, data, 0, 10), data, 10)).toBe(crc32(data));
  });

  it('the table-driven fallback agrees with the native CRC on random pieces', () => {
    let x = 12345;
    const data = Uint8Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
    expect(crc32UpdateFallback(0, bytes('123456789'))).toBe(0xcbf43926);
    for (const cut of [0, 1, 7, 1000, 4095, 4096]) {
      const piecewise = crc32UpdateFallback(crc32UpdateFallback(0, data, 0, cut), data, cut);
      expect(piecewise).toBe(crc32(data));
      expect(crc32Update(crc32Update(0, data, 0, cut), data, cut)).toBe(crc32(data));
    }
  });
});

describe('record framing', () => {
  it('round-trips a payload', () => {
    const framed = frameRecord(bytes('hello'));
    const r = readRecord(framed, 0);
    expect(r.ok).toBe(true);
    if (r.ok) expect(new TextDecoder().decode(r.payload)).toBe('hello');
  });

  it('catches any single flipped bit, in header or payload', () => {
    const rng = mulberry32(7);
    const framed = frameRecord(randomPayload(rng, 40));
    for (let byte = 0; byte < framed.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = framed.slice();
        damaged[byte] = damaged[byte]! ^ (1 << bit);
        const r = readRecord(damaged, 0);
        expect(r.ok && r.end === damaged.length, `byte ${byte} bit ${bit}`).toBe(false);
      }
    }
  });

  it('refuses empty payloads (a zero-filled tail must not parse as records)', () => {
    expect(() => frameRecord(new Uint8Array(0))).toThrow(RangeError);
    expect(readRecord(new Uint8Array(32), 0).ok).toBe(false);
  });
});

describe('scanRecords', () => {
  const rng = mulberry32(11);
  const payloads = [5, 17, 1, 64, 9].map((n) => randomPayload(rng, n));
  const log = concat(payloads.map(frameRecord));

  it('reads back every record', () => {
    const s = scanRecords(log, 1, 'test');
    expect(s.payloads.map((p) => Array.from(p))).toEqual(payloads.map((p) => Array.from(p)));
    expect(s.validEnd).toBe(log.length);
    expect(s.tornTail).toBeUndefined();
  });

  it('drops a torn tail of any length, keeping the records before it', () => {
    const lastStart = log.length - (8 + payloads[4]!.length);
    for (let cut = lastStart + 1; cut < log.length; cut++) {
      const s = scanRecords(log.subarray(0, cut), 1, 'test');
      expect(s.payloads).toHaveLength(4);
      expect(s.validEnd).toBe(lastStart);
      expect(s.tornTail).toContain('record 5');
    }
  });

  it('drops a corrupt last record and a zero-filled tail', () => {
    const damaged = log.slice();
    damaged[log.length - 1] = damaged[log.length - 1]! ^ 0x10;
    expect(scanRecords(damaged, 1, 'test').payloads).toHaveLength(4);
    const zeros = concat([log, new Uint8Array(4096)]);
    const s = scanRecords(zeros, 1, 'test');
    expect(s.payloads).toHaveLength(5);
    expect(s.validEnd).toBe(log.length);
  });

  it('throws CheckpointCorruptError naming a damaged record in the middle', () => {
    const secondStart = 8 + payloads[0]!.length;
    for (const offset of [secondStart + 9, secondStart + 4, secondStart + 1]) {
      const damaged = log.slice();
      damaged[offset] = damaged[offset]! ^ 0x01;
      let caught: unknown;
      try {
        scanRecords(damaged, 10, 'log-x');
      } catch (e) {
        caught = e;
      }
      expect(caught, `offset ${offset}`).toBeInstanceOf(CheckpointCorruptError);
      expect((caught as CheckpointCorruptError).record).toBe(11);
      expect((caught as Error).message).toContain('log-x');
    }
  });
});

describe('framing in place', () => {
  it('gives the bytes frameRecord gives, and the stores take them as they are', () => {
    const payload = bytes('a payload written behind its header');
    const inPlace = new Uint8Array(8 + payload.length);
    inPlace.set(payload, 8);
    frameInPlace(inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(frameRecord(payload)));
    const disk = new SimDisk('n1');
    disk.appendFramed(inPlace);
    disk.append(payload);
    disk.completeSync(disk.beginSync());
    expect(disk.load().map((p) => new TextDecoder().decode(p))).toEqual([payload, payload].map((p) => new TextDecoder().decode(p)));
  });

  it('a store refuses bytes that are not one framed record', () => {
    const framed = frameRecord(bytes('xyz'));
    const disk = new SimDisk('n1');
    expect(() => disk.appendFramed(bytes('xyz'))).toThrow(/not one framed checkpoint record/);
    expect(() => disk.appendFramed(framed.subarray(0, framed.length - 1))).toThrow(/not one framed checkpoint record/);
    expect(() => checkFramed(concat([framed, bytes('!')]))).toThrow(/not one framed checkpoint record/);
    expect(() => frameInPlace(new Uint8Array(8))).toThrow(RangeError);
    expect(disk.appendedUpTo).toBe(0);
  });
});
