import net from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { FrameDecoder } from '../../src/net/frame-decoder.ts';
import { closeAfterEach, HOST, node, startPair, startProbe, texts, waitUntil } from './harness.ts';

const psk = { kind: 'psk', key: 'a pre-shared key for tests only' } as const;
const track = closeAfterEach();

describe('pre-shared key (TLS-PSK)', () => {
  it('connects two nodes that hold the key', async () => {
    const [a, b] = await startPair(psk);
    track(a, b);
    a.t.send(node('n2'), Buffer.from('ping'));
    await waitUntil(() => b.received.length === 1, 'delivery');
    b.t.send(node('n1'), Buffer.from('pong'));
    await waitUntil(() => a.received.length === 1, 'reply');
    expect([texts(a), texts(b)]).toEqual([['pong'], ['ping']]);
  });

  it('refuses a peer without the key or with a wrong key before decoding any of its bytes', async () => {
    const b = await startProbe(node('n2'), { n1: 1 }, psk);
    track(b);
    // Every frame decoder in this process, the attackers' own included: stricter than needed.
    const decoded = vi.spyOn(FrameDecoder.prototype, 'push');
    // 1. A plaintext transport claiming to be n1: its hello and messages go out unencrypted.
    const noKey = await startProbe(node('n1'), { n2: b.port }, { kind: 'plaintext' });
    for (let i = 0; i < 10; i++) noKey.t.send(node('n2'), Buffer.from(`forged ${i}`));
    await waitUntil(() => noKey.logs.some((l) => l.includes('cannot reach node n2')), 'the keyless peer is refused');
    await noKey.t.close();
    // 2. A PSK transport with the wrong key.
    const wrongKey = await startProbe(node('n1'), { n2: b.port }, { kind: 'psk', key: 'not the key, but long enough' });
    for (let i = 0; i < 10; i++) wrongKey.t.send(node('n2'), Buffer.from(`forged ${i}`));
    await waitUntil(() => wrongKey.logs.some((l) => l.includes('cannot reach node n2')), 'the wrong-key peer is refused');
    await wrongKey.t.close();
    // 3. Raw framed bytes, as a plaintext peer would send them.
    const raw = net.connect(b.port, HOST, () => raw.write(Buffer.from([0, 0, 0, 7, 70, 76, 84, 49, 1, 110, 49])));
    raw.on('error', () => {});
    await new Promise((r) => raw.on('close', r));
    await waitUntil(() => b.logs.length >= 3, 'all three are refused and logged');

    expect(decoded).not.toHaveBeenCalled();
    expect(b.received).toEqual([]);
    expect(b.states).toEqual([]);
    expect(b.logs.every((l) => /refused connection from 127\.0\.0\.1:\d+: TLS handshake failed/.test(l))).toBe(true);
    expect(noKey.received.concat(wrongKey.received)).toEqual([]);

    decoded.mockRestore();
    const good = await startProbe(node('n1'), { n2: b.port }, psk);
    track(good);
    good.t.send(node('n2'), Buffer.from('the real n1'));
    await waitUntil(() => b.received.length === 1, 'the keyed peer still gets through');
    expect(texts(b)).toEqual(['the real n1']);
  });

  it('rejects a key too short to be a key', async () => {
    await expect(startProbe(node('n1'), {}, { kind: 'psk', key: 'short' })).rejects.toThrow(/at least 16 characters/);
  });
});
