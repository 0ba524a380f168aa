import { describe, expect, it } from 'vitest';
import { ClientDirectory } from '../../src/host/client-directory.ts';
import { decodeWire, encodeWire } from '../../src/host/wire.ts';

describe('wire codec', () => {
  it('round-trips every frame type', () => {
    for (const w of [
      { t: 'msg', msg: { type: 'Ack', seq: 3 } },
      { t: 'ken', frame: { ken: 'ack', ack: 1 } },
      { t: 'req', id: 'c/1', req: { type: 'get', key: 'a' } },
      { t: 'inspect', id: 'c/2' },
      { t: 'rep', id: 'c/1', result: null },
      { t: 'redir', id: 'c/1', to: 'n2' },
      { t: 'state', id: 'c/2', node: 'n1', ken: false, state: { x: 1 } },
    ] as const)
      expect(decodeWire(encodeWire(w))).toEqual(w);
  });

  it('says why a frame is not one', () => {
    const bad = (s: string | Uint8Array) => decodeWire(typeof s === 'string' ? new TextEncoder().encode(s) : s);
    expect(bad('{"t":"req"')).toMatch(/undecodable frame/);
    expect(bad(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatch(/undecodable frame/);
    expect(bad('[1]')).toBe('frame is not a JSON object');
    expect(bad('{"t":"req","id":"x"}')).toMatch(/'req' frame needs an id and a req/);
    expect(bad(`{"t":"inspect","id":"${'x'.repeat(300)}"}`)).toMatch(/needs an id/);
    expect(bad('{"t":"boom"}')).toBe('unknown frame type "boom"');
  });
});

describe('client directory', () => {
  it('routes a reply to the client that sent the request, forgetting the oldest beyond its bound', () => {
    const d = new ClientDirectory(2);
    d.note('r1', 'alice');
    d.note('r2', 'bob');
    d.note('r3', 'carol');
    expect(d.clientOf('r1')).toBeUndefined();
    expect(d.clientOf('r3')).toBe('carol');
    // An id it never saw, in the client library's form, names its client.
    expect(d.clientOf('dave/17')).toBe('dave');
  });
});
