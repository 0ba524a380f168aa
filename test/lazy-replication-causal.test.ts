/**
 * Causality across lazy replication's two data types (`causal-past.ts`): a read of a list
 * must hold a post the client has seen only through a get, and a get must not return a
 * value overwritten by a put the client has seen only through a list of posts. Each rule
 * is shown failing on a hand-built history that breaks it and holding on one that keeps it.
 */
import type { Operation } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { causalGets, checkCausalGets, checkPosts, type Req, type Res, type Slot } from '../packages/protocols/lazy-replication/index.ts';

type Op = Operation<Req, Res>;
let n = 0;
const op = (client: string, req: Req, result: Res, invokeMs: number, status: Op['status'] = 'ok'): Op => ({
  id: `${client}:${++n}`, client, req, invokeMs, ...(status === 'ok' ? { completeMs: invokeMs + 5, result } : {}), status, attempts: 1, node: 'n1',
});
const slot = (text: string): Slot => ({ value: text, ts: { 'n1.1': 1 }, weight: 1, origin: 'n1.1' });
const put = (client: string, key: string, value: string, t: number, status: Op['status'] = 'ok') => op(client, { type: 'put', key, value, seq: 0 }, { type: 'put-ok' }, t, status);
const get = (client: string, key: string, value: string | null, t: number, extra: Partial<Res> = {}) => op(client, { type: 'get', key, seq: 0 }, { type: 'get-ok', value, ...extra } as Res, t);
const posted = (client: string, text: string, t: number) => op(client, { type: 'post', user: 'ann', text, seq: 0 }, { type: 'post-ok' }, t);
const read = (client: string, texts: string[], t: number) => op(client, { type: 'read', user: 'ann', seq: 0 }, { type: 'read-ok', posts: texts.map(slot) }, t);

describe('a get after a list of posts (causal-gets)', () => {
  // c1 puts a=v1 and then posts p; c2 reads the list with p: a=v1 is in c2's causal past.
  const base = (): Op[] => [put('c1', 'a', 'v1', 0), posted('c1', 'p', 10), read('c2', ['p'], 20)];

  it('holds when the get returns the put or a later value, and on keys the past says nothing about', () => {
    expect(checkCausalGets([...base(), get('c2', 'a', 'v1', 30)])).toBe(true);
    expect(checkCausalGets([...base(), put('c3', 'a', 'v2', 25), get('c2', 'a', 'v2', 30)])).toBe(true); // concurrent with v1
    expect(checkCausalGets([...base(), get('c2', 'b', null, 30)])).toBe(true);
    expect(causalGets.kind).toBe('always');
  });

  it('fails when the get returns the initial value although the put is in its causal past through the post', () => {
    expect(checkCausalGets([...base(), get('c2', 'a', null, 30)])).toMatch(/c2 \S+ got the initial value for key a .* but v1 \(put by c1\) is in the client's causal past/);
    // Without reading the post, c2 knows nothing of v1.
    expect(checkCausalGets([put('c1', 'a', 'v1', 0), posted('c1', 'p', 10), get('c2', 'a', null, 30)])).toBe(true);
  });

  it('fails when the get returns a value the put had overwritten', () => {
    // c1 saw v0 (c3's) before it put v1 and posted p.
    const h = [put('c3', 'a', 'v0', 0), get('c1', 'a', 'v0', 6), put('c1', 'a', 'v1', 12), posted('c1', 'p', 20), read('c2', ['p'], 30)];
    expect(checkCausalGets([...h, get('c2', 'a', 'v0', 40)])).toMatch(/got v0 for key a .* but v1 \(put by c1, whose put had seen v0 first\)/);
    expect(checkCausalGets([...h, get('c2', 'a', 'v1', 40)])).toBe(true);
  });

  it('takes nothing from a put that timed out, and starts afresh at a stale answer', () => {
    const lost = [put('c1', 'a', 'v1', 0, 'timeout'), posted('c1', 'p', 10), read('c2', ['p'], 20)];
    expect(checkCausalGets([...lost, get('c2', 'a', null, 30)])).toBe(true);
    expect(checkCausalGets([...base(), get('c2', 'a', null, 30, { stale: ['n2'] })])).toBe(true);
  });
});

describe('a read after a get (posts-ordered, through the keys)', () => {
  // c1 posts p and then puts a=v1; c2 gets v1: p is in c2's causal past.
  const base = (): Op[] => [posted('c1', 'p', 0), put('c1', 'a', 'v1', 10), get('c2', 'a', 'v1', 20)];

  it("fails when the list lacks a post the client has seen only through a get's value", () => {
    expect(checkPosts([...base(), read('c2', ['p'], 30)])).toBe(true);
    expect(checkPosts([...base(), read('c2', [], 30)])).toMatch(/c2 \S+ read @ann from n1 without p, which the client had already seen, or seen something that depends on it/);
    expect(checkPosts([posted('c1', 'p', 0), put('c1', 'a', 'v1', 10), get('c2', 'a', null, 20), read('c2', [], 30)])).toBe(true);
  });
});
