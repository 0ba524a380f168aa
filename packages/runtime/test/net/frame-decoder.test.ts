import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../src/net/frame-decoder.ts';
import { SendQueue } from '../../src/net/send-queue.ts';
import type { Socket } from 'node:net';

/** Encode frames with the transport's own send queue, capturing what it writes. */
function encode(payloads: Uint8Array[]): { bytes: Buffer; writes: number } {
  const q = new SendQueue();
  for (const p of payloads) q.push(p);
  const chunks: Buffer[] = [];
  const socket = { write: (c: Buffer) => chunks.push(Buffer.from(c)), cork: () => {}, uncork: () => {} };
  q.flushTo(socket as unknown as Socket);
  return { bytes: Buffer.concat(chunks), writes: chunks.length };
}

/** Split `bytes` at the given cut points (any order, duplicates fine). */
function chop(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe('frame decoder', () => {
  it('decodes any sequence of frames split at any points into the same frames, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (payloads, cuts) => {
          const { bytes } = encode(payloads);
          const out: Buffer[] = [];
          const d = new FrameDecoder(1024, (f) => out.push(Buffer.from(f)));
          for (const chunk of chop(bytes, cuts)) expect(d.push(chunk)).toBeNull();
          expect(out.map((b) => b.toString('hex'))).toEqual(payloads.map((p) => Buffer.from(p).toString('hex')));
          expect(d.idle).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a frame over the limit from its header alone, and decodes nothing after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 101, max: 0xffffffff }), fc.nat(8), (length, cut) => {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(length);
        const bytes = Buffer.concat([header, Buffer.alloc(8)]);
        const seen: Buffer[] = [];
        const d = new FrameDecoder(100, (f) => seen.push(f));
        const problems = chop(bytes, [cut]).map((c) => d.push(c));
        expect(problems.filter((p) => p !== null)).toEqual([`frame of ${length} bytes exceeds the 100-byte limit`]);
        expect(seen).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('accepts empty frames and a frame of exactly the limit', () => {
    const { bytes } = encode([new Uint8Array(0), new Uint8Array(100).fill(7), new Uint8Array(0)]);
    const out: number[] = [];
    const d = new FrameDecoder(100, (f) => out.push(f.length));
    expect(d.push(bytes)).toBeNull();
    expect(out).toEqual([0, 100, 0]);
  });

  it('applies a changed limit from the next frame on', () => {
    const { bytes } = encode([new Uint8Array(10), new Uint8Array(50)]);
    const d = new FrameDecoder(10, () => {
      d.maxFrameBytes = 20;
    });
    expect(d.push(bytes)).toBe('frame of 50 bytes exceeds the 20-byte limit');
  });

  it('reports a stream that stops inside a frame as not idle', () => {
    const { bytes } = encode([new Uint8Array(50)]);
    const d = new FrameDecoder(100, () => {});
    d.push(bytes.subarray(0, 20));
    expect(d.idle).toBe(false);
  });
});

describe('send queue', () => {
  it('coalesces many small frames into one write', () => {
    const payloads = Array.from({ length: 1000 }, (_, i) => Buffer.from(`message ${i}`));
    const { writes, bytes } = encode(payloads);
    expect(writes).toBe(1);
    expect(bytes.length).toBe(payloads.reduce((n, p) => n + 4 + p.length, 0));
  });

  it('counts pending bytes and forgets them when flushed or cleared', () => {
    const q = new SendQueue();
    q.push(new Uint8Array(10));
    q.push(new Uint8Array(100_000));
    expect(q.pendingBytes).toBe(14 + 100_004);
    q.clear();
    expect(q.pendingBytes).toBe(0);
    const { bytes } = encode([new Uint8Array(70_000), new Uint8Array(3)]);
    expect(bytes.length).toBe(70_004 + 7);
  });
});
