import net from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { client, closeAfterEach, HOST, node, settle, startPair, startProbe, texts, waitUntil, type Probe } from './harness.ts';

const plaintext = { kind: 'plaintext' } as const;
const track = closeAfterEach();

/**
 * n1 and n2 connected; `gone` closes; the other queues `count` messages for it (checking the
 * queue's byte count); `gone` starts again on its port; resolves once they all arrived.
 */
async function queueAcrossRestart(gone: 'n1' | 'n2', count: number): Promise<{ survivor: Probe; back: Probe; sent: string[] }> {
  const [a, b] = await startPair(plaintext);
  const [survivor, leaving] = gone === 'n2' ? [a, b] : [b, a];
  track(survivor);
  a.t.send(node('n2'), Buffer.from('before'));
  await waitUntil(() => b.received.length === 1, 'connected');
  await leaving.t.close();
  await waitUntil(() => survivor.states.includes(`node ${gone} disconnected`), 'the survivor sees its peer go');
  const sent = Array.from({ length: count }, (_, i) => `queued ${i}`);
  for (const m of sent) expect(survivor.t.send(node(gone), Buffer.from(m))).toBe(true);
  expect(survivor.t.queuedBytes(node(gone))).toBe(count * (4 + 'queued 0'.length));
  const peers: Record<string, number> = gone === 'n2' ? { n1: 1, n2: b.port } : { n2: b.port };
  const [back] = track(await startProbe(node(gone), peers, plaintext));
  await waitUntil(() => back.received.length === count, `the queued messages reach the restarted ${gone}`);
  return { survivor, back, sent };
}

describe('transport (plaintext, loopback)', () => {
  it('delivers in order both ways over one connection, and reports peer state', async () => {
    const [a, b] = track(...(await startPair(plaintext)));
    for (let i = 0; i < 500; i++) expect(a.t.send(node('n2'), Buffer.from(`a${i}`))).toBe(true);
    await waitUntil(() => b.received.length === 500, 'n2 receives 500');
    expect(texts(b)).toEqual(Array.from({ length: 500 }, (_, i) => `a${i}`));
    expect(b.received.every((r) => r.from.kind === 'node' && r.from.id === 'n1')).toBe(true);
    // n2 answers over the connection n1 opened: it never dials n1 (port 1 is a dead address).
    for (let i = 0; i < 300; i++) b.t.send(node('n1'), Buffer.from(`b${i}`));
    await waitUntil(() => a.received.length === 300, 'n1 receives 300');
    expect(texts(a)).toEqual(Array.from({ length: 300 }, (_, i) => `b${i}`));
    expect(a.states).toEqual(['node n2 connected']);
    expect(b.states).toEqual(['node n1 connected']);
    expect(a.logs.concat(b.logs)).toEqual([]);
  });

  it('writes the small frames sent during one tick in one socket write', async () => {
    const [a, b] = track(...(await startPair(plaintext)));
    a.t.send(node('n2'), Buffer.from('warm-up'));
    await waitUntil(() => b.received.length === 1, 'connection up');
    const writes = vi.spyOn(net.Socket.prototype, 'write');
    for (let i = 0; i < 1000; i++) a.t.send(node('n2'), Buffer.from(`small ${i}`));
    await waitUntil(() => b.received.length === 1001, 'all delivered');
    expect(writes.mock.calls.length).toBe(1);
  });

  it('reconnects after the peer restarts on the same port, keeping what was queued meanwhile', async () => {
    const { survivor: a, back: b2, sent } = await queueAcrossRestart('n2', 10);
    expect(texts(b2)).toEqual(sent);
    expect(a.states).toEqual(['node n2 connected', 'node n2 disconnected', 'node n2 connected']);
    expect(a.t.queuedBytes(node('n2'))).toBe(0);
  });

  it('keeps what the accepting side queued while the dialer restarts, and delivers it when it is back', async () => {
    const { survivor: b, back: a2, sent } = await queueAcrossRestart('n1', 5);
    expect(texts(a2)).toEqual(sent);
    expect(b.states).toEqual(['node n1 connected', 'node n1 disconnected', 'node n1 connected']);
  });

  it('bounds the queue of an unreachable peer: send returns false and drops when full', async () => {
    const dead = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, HOST, () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const [a] = track(await startProbe(node('n1'), { n2: dead }, plaintext, { maxQueueBytesPerPeer: 10_000 }));
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (a.t.send(node('n2'), new Uint8Array(996))) accepted++;
    expect(accepted).toBe(10);
    expect(a.t.queuedBytes(node('n2'))).toBe(10_000);
    expect(a.t.send(node('n2'), new Uint8Array(0))).toBe(false);
    await waitUntil(() => a.logs.some((l) => l.includes('cannot reach node n2')), 'dial failure logged');
    expect(a.logs.filter((l) => l.includes('cannot reach')).length).toBe(1);
  });

  it('applies backpressure from a peer that stops reading, and loses none of what it accepted', async () => {
    // A hand-made peer n2: answers the hello, then reads nothing until told to.
    let peerSocket: net.Socket | null = null;
    let bytesIn = 0;
    const server = net.createServer((s) => {
      peerSocket = s;
      const hello = Buffer.from('FLT1\u0001n2', 'latin1');
      const frame = Buffer.alloc(4 + hello.length);
      frame.writeUInt32BE(hello.length);
      hello.copy(frame, 4);
      s.write(frame);
      s.pause();
      s.on('data', (c) => (bytesIn += c.length));
    });
    await new Promise<void>((r) => server.listen(0, HOST, () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const bound = 256 * 1024;
    const [a] = track(await startProbe(node('n1'), { n2: port }, plaintext, { maxQueueBytesPerPeer: bound }));
    await waitUntil(() => a.states.includes('node n2 connected'), 'connected');
    let accepted = 0;
    let refused = 0;
    let maxQueued = 0;
    // Bounded: the kernel's socket buffers hold a few MiB at most.
    for (let round = 0; round < 5000 && refused === 0; round++) {
      for (let i = 0; i < 64; i++) {
        if (a.t.send(node('n2'), new Uint8Array(1020))) accepted++;
        else refused++;
        maxQueued = Math.max(maxQueued, a.t.queuedBytes(node('n2')));
      }
      await settle(2);
    }
    expect(refused).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(bound);
    const helloBytes = 4 + 'FLT1'.length + 1 + 'n1'.length;
    peerSocket!.resume();
    await waitUntil(() => bytesIn === helloBytes + accepted * 1024, 'every accepted frame arrives');
    expect(a.t.queuedBytes(node('n2'))).toBe(0);
    peerSocket!.destroy();
    await new Promise((r) => server.close(r));
  });

  it('serves clients: a client dials a node, the node answers it; unknown clients are refused by send', async () => {
    const [n] = track(await startProbe(node('n1'), {}, plaintext));
    const [c] = track(await startProbe(client('c-abc'), { n1: n.port }, plaintext));
    expect(n.t.send(client('c-abc'), Buffer.from('too early'))).toBe(false);
    expect(c.t.send(node('n9'), Buffer.from('no such node'))).toBe(false);
    expect(c.t.send(node('constructor'), Buffer.from('not an own key of peers'))).toBe(false);
    expect(c.t.send(node('n1'), Buffer.from('hello'))).toBe(true);
    await waitUntil(() => n.received.length === 1, 'request arrives');
    expect(n.received[0]!.from).toEqual(client('c-abc'));
    expect(n.t.send(client('c-abc'), Buffer.from('olleh'))).toBe(true);
    await waitUntil(() => c.received.length === 1, 'reply arrives');
    expect(texts(c)).toEqual(['olleh']);
    expect(c.received[0]!.from).toEqual(node('n1'));
    await c.t.close();
    await waitUntil(() => n.states.includes('client c-abc disconnected'), 'client gone');
    expect(n.t.send(client('c-abc'), Buffer.from('gone'))).toBe(false);
  });

  it('flushes queued messages on close()', async () => {
    const [a, b] = await startPair(plaintext);
    track(b);
    a.t.send(node('n2'), Buffer.from('x'));
    await waitUntil(() => b.received.length === 1, 'connected');
    for (let i = 0; i < 2000; i++) a.t.send(node('n2'), new Uint8Array(1000).fill(i % 256));
    await a.t.close();
    await waitUntil(() => b.received.length === 2001, 'everything queued before close() arrives');
    expect(a.t.send(node('n2'), Buffer.from('after close'))).toBe(false);
  });

  it('closes a connection that sends bad input with one log line and keeps serving the others', async () => {
    const [a, b] = track(...(await startPair(plaintext, { maxFrameBytes: 1000 })));
    a.t.send(node('n2'), Buffer.from('first'));
    await waitUntil(() => b.received.length === 1, 'connected');
    const clientHello = Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from('FLT1\u0002c-1', 'latin1')]);
    const attacks: Buffer[] = [
      Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]), // oversized length, before any hello
      Buffer.concat([clientHello, Buffer.from([0, 0, 3, 233, 1, 2, 3])]), // 1001 bytes, after a hello
      Buffer.from([0, 0, 0, 3, 1, 2, 3]), // a first frame that is not a hello
      Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('FLT1\u0001n7', 'latin1')]), // not a peer
    ];
    for (const [i, bytes] of attacks.entries()) {
      const s = net.connect(b.port, HOST, () => s.write(bytes));
      s.resume();
      s.on('error', () => {});
      await new Promise((r) => s.on('close', r));
      await waitUntil(() => b.logs.length > i, 'the node logs this connection');
    }
    expect(b.logs).toHaveLength(4);
    expect(b.logs[0]).toMatch(/refused connection from 127\.0\.0\.1:\d+: frame of 4294967295 bytes exceeds the 256-byte limit/);
    expect(b.logs[1]).toMatch(/connection with client c-1 \(127\.0\.0\.1:\d+\) closed: frame of 1001 bytes exceeds the 1000-byte limit/);
    expect(b.logs[2]).toMatch(/first frame is not a faultline hello/);
    expect(b.logs[3]).toMatch(/hello claims node n7, not a peer of this node/);
    a.t.send(node('n2'), Buffer.from('still here'));
    await waitUntil(() => b.received.length === 2, 'the good peer still gets through');
    expect(texts(b)).toEqual(['first', 'still here']);
  });

  it('closes a connection that never says hello when its handshake time is up', async () => {
    const [n] = track(await startProbe(node('n1'), {}, plaintext, { handshakeTimeoutMs: 50 }));
    const s = net.connect(n.port, HOST);
    s.on('error', () => {});
    await new Promise((r) => s.on('close', r));
    await waitUntil(() => n.logs.length > 0, 'the node logs the refusal');
    expect(n.logs).toHaveLength(1);
    expect(n.logs[0]).toMatch(/refused connection from 127\.0\.0\.1:\d+: handshake timed out/);
  });

  it('lets a newer connection from the same client id replace the older one', async () => {
    const [n] = track(await startProbe(node('n1'), {}, plaintext));
    const [old] = track(await startProbe(client('c-dup'), { n1: n.port }, plaintext));
    old.t.send(node('n1'), Buffer.from('old'));
    await waitUntil(() => n.received.length === 1, 'first client');
    const [fresh] = track(await startProbe(client('c-dup'), { n1: n.port }, plaintext, { reconnectMsMin: 5000 }));
    fresh.t.send(node('n1'), Buffer.from('new'));
    await waitUntil(() => n.received.length === 2, 'second client');
    await waitUntil(() => n.logs.length === 1, 'the old connection is closed');
    expect(n.logs[0]).toMatch(/connection with client c-dup .* closed: replaced by a newer connection/);
    n.t.send(client('c-dup'), Buffer.from('reply'));
    await waitUntil(() => fresh.received.length === 1, 'the reply goes to the newer connection');
    expect(n.states).toEqual(['client c-dup connected']);
  });

  it('accepts at most maxConnections connections at once', async () => {
    const [n] = track(await startProbe(node('n1'), {}, plaintext, { maxConnections: 2 }));
    const sockets = [0, 1, 2].map(() => net.connect(n.port, HOST).on('error', () => {}));
    const closed = [false, false, false];
    sockets.forEach((s, i) => s.on('close', () => (closed[i] = true)));
    await waitUntil(() => closed[2]!, 'the third connection is turned away');
    await settle();
    expect(closed).toEqual([false, false, true]);
    for (const s of sockets) s.destroy();
  });

  it('does not deliver after close(), even frames already received', async () => {
    let delivered = 0;
    const first = await startProbe(node('n2'), { n1: 1 }, plaintext, {
      onMessage: () => {
        delivered++;
        void first.t.close();
      },
    });
    const sender = track(await startProbe(node('n1'), { n2: first.port }, plaintext))[0];
    for (let i = 0; i < 100; i++) sender.t.send(node('n2'), Buffer.from(`m${i}`));
    await waitUntil(() => delivered > 0, 'a first delivery');
    await first.t.close();
    expect(delivered).toBe(1);
  });

  it('logs what its callbacks throw and carries on', async () => {
    const b = track(
      await startProbe(node('n2'), { n1: 1 }, plaintext, {
        onMessage: () => {
          throw new Error('service bug');
        },
        onPeerState: () => {
          throw new Error('observer bug');
        },
      }),
    )[0];
    const [a] = track(await startProbe(node('n1'), { n2: b.port }, plaintext));
    a.t.send(node('n2'), Buffer.from('one'));
    a.t.send(node('n2'), Buffer.from('two'));
    await waitUntil(() => b.logs.length === 3, 'three log lines');
    expect(b.logs[0]).toMatch(/onPeerState for node n1 threw: observer bug/);
    expect(b.logs.slice(1)).toEqual([1, 2].map(() => 'net node n2: onMessage for node n1 threw: service bug'));
  });

  it('refuses to send a frame over the limit', async () => {
    const [a, b] = track(...(await startPair(plaintext, { maxFrameBytes: 100 })));
    expect(a.t.send(node('n2'), new Uint8Array(101))).toBe(false);
    expect(a.t.send(node('n2'), new Uint8Array(100))).toBe(true);
    await waitUntil(() => b.received.length === 1, 'the frame at the limit arrives');
  });
});
