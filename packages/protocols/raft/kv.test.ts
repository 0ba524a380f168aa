import { describe, expect, it } from 'vitest';
import { applyCommand, sessionAnswer, type Machine } from './kv.ts';
import type { Command, Req } from './messages.ts';

const cmd = (client: string, req: Req): Command => ({ kind: 'client', client, requestId: `${client}:${req.seq}`, req });

describe('the key-value state machine', () => {
  it('applies puts, gets and compare-and-sets', () => {
    const m: Machine = { kv: {}, sessions: {} };
    expect(applyCommand(m, cmd('c1', { type: 'get', key: 'a', seq: 0 }))).toEqual({ type: 'get-ok', value: null });
    expect(applyCommand(m, cmd('c1', { type: 'cas', key: 'a', expected: null, value: 'x', seq: 1 }))).toEqual({ type: 'cas-ok' });
    expect(applyCommand(m, cmd('c2', { type: 'cas', key: 'a', expected: 'y', value: 'z', seq: 0 }))).toEqual({ type: 'cas-fail' });
    expect(applyCommand(m, cmd('c2', { type: 'put', key: 'a', value: 'w', seq: 1 }))).toEqual({ type: 'put-ok' });
    expect(m.kv).toEqual({ a: 'w' });
    expect(applyCommand(m, { kind: 'noop' })).toBeNull();
  });

  it('applies a request at most once: a second copy gets the first answer, an older one nothing', () => {
    const m: Machine = { kv: {}, sessions: {} };
    const first = cmd('c1', { type: 'cas', key: 'a', expected: null, value: 'x', seq: 4 });
    expect(applyCommand(m, first)).toEqual({ type: 'cas-ok' });
    expect(applyCommand(m, first)).toEqual({ type: 'cas-ok' }); // applied again it would fail
    expect(applyCommand(m, cmd('c1', { type: 'put', key: 'a', value: 'old', seq: 3 }))).toBeNull();
    expect(m.kv).toEqual({ a: 'x' });
    expect(sessionAnswer(m, 'c1', 4)).toEqual({ type: 'cas-ok' });
    expect(sessionAnswer(m, 'c1', 3)).toBe('old');
    expect(sessionAnswer(m, 'c1', 5)).toBeUndefined();
  });
});
