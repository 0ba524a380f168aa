import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Security } from '../../src/net/index.ts';
import { closeAfterEach, HOST, node, startPair, texts, waitUntil, type Probe } from './harness.ts';

/** A small seeded generator (mulberry32): the same seed throws the same bytes. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const framed = (payload: Buffer): Buffer => {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
};
const randomBytes = (r: (n: number) => number, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => r(256)));

/** One hostile or odd frame, by kind. */
function frame(r: (n: number) => number): Buffer {
  switch (r(8)) {
    case 0: // random bytes, no structure
      return randomBytes(r, r(64));
    case 1: // a huge declared length
      return Buffer.concat([Buffer.from([0xff, r(256), r(256), r(256)]), randomBytes(r, r(16))]);
    case 2: // a well-formed frame cut short
      return framed(randomBytes(r, 1 + r(200))).subarray(0, 1 + r(100));
    case 3: // a client hello, valid or not (bad kinds and ids included)
      return framed(Buffer.concat([Buffer.from('FLT1'), Buffer.from([r(4)]), Buffer.from(`c-${r(1000)}${r(4) === 0 ? ' !' : ''}`)]));
    case 4: // a node hello for a node that is not a peer
      return framed(Buffer.concat([Buffer.from('FLT1'), Buffer.from([1]), Buffer.from(`n${3 + r(50)}`)]));
    case 5: // a hello with the wrong magic
      return framed(Buffer.concat([Buffer.from('FLT'), randomBytes(r, 1 + r(20))]));
    default: // an ordinary small frame
      return framed(randomBytes(r, r(300)));
  }
}

/** Send `count` frames over `connections` connections, `parallel` at a time, in random chunks. */
async function throwFrames(port: number, seed: number, count: number, connections: number, parallel: number): Promise<void> {
  const r = rng(seed);
  const perConnection = Math.ceil(count / connections);
  const plans: Buffer[][] = [];
  for (let c = 0, left = count; c < connections; c++, left -= perConnection) {
    const frames = Array.from({ length: Math.min(perConnection, left) }, () => frame(r));
    // Half the connections open with a valid client hello, so that what follows is decoded as messages.
    if (r(2) === 0) frames[0] = framed(Buffer.concat([Buffer.from('FLT1'), Buffer.from([2]), Buffer.from(`fuzz-${c}`)]));
    const bytes = Buffer.concat(frames);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + r(512);
      chunks.push(bytes.subarray(at, at + n));
      at += n;
    }
    plans.push(chunks);
  }
  for (let i = 0; i < plans.length; i += parallel) {
    await Promise.all(
      plans.slice(i, i + parallel).map(
        (chunks) =>
          new Promise<void>((resolve) => {
            const s = net.connect(port, HOST, () => {
              for (const c of chunks) s.write(c);
              s.end();
            });
            s.resume(); // read (and ignore) whatever the node answers, so that its close is seen
            s.on('error', () => {});
            s.on('close', () => resolve());
          }),
      ),
    );
  }
}

const track = closeAfterEach();

async function survives(security: Security, frames: number, connections: number): Promise<Probe> {
  const [a, b] = await startPair(security, { maxFrameBytes: 64 * 1024 });
  track(a, b);
  a.t.send(node('n2'), Buffer.from('before'));
  await waitUntil(() => texts(b).includes('before'), 'the real peer is connected');
  await throwFrames(b.port, 20261123, frames, connections, 25);
  // At most one log line per hostile connection, and the real peer never lost its connection.
  expect(b.logs.length).toBeLessThanOrEqual(connections);
  expect(b.states.filter((s) => s.startsWith('node'))).toEqual(['node n1 connected']);
  a.t.send(node('n2'), Buffer.from('after'));
  b.t.send(node('n1'), Buffer.from('reply'));
  await waitUntil(() => texts(b).includes('after') && texts(a).includes('reply'), 'the real peer still gets through');
  expect(b.received.filter((m) => m.from.kind === 'node').map((m) => m.payload.toString())).toEqual(['before', 'after']);
  return b;
}

describe('fuzzing a node port', () => {
  it('10,000 random and truncated frames over 400 connections (plaintext, so the decoder sees them all)', async () => {
    const b = await survives({ kind: 'plaintext' }, 10_000, 400);
    // The mix reached every layer: refusals, and frames after valid client hellos.
    expect(b.logs.length).toBeGreaterThan(100);
    expect(b.received.filter((m) => m.from.kind === 'client').length).toBeGreaterThan(100);
  });

  it('2,000 of them against a PSK node: all refused by TLS, the keyed peer unaffected', async () => {
    const b = await survives({ kind: 'psk', key: 'fuzzing key, sixteen+ chars' }, 2_000, 100);
    expect(b.received.filter((m) => m.from.kind === 'client')).toEqual([]);
  });
});
