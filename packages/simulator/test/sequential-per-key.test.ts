import type { Operation } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { checkSequential, checkSequentialPerKey, collectionModel, consistencyProperty, kvModel, type CollectionReq, type CollectionRes, type KvReq, type KvRes } from '../src/index.ts';

let nextId = 0;
function done<Req, Res>(client: string, req: Req, invokeMs: number, completeMs: number, result: Res): Operation<Req, Res> {
  return { id: `r${nextId++}`, client, req, invokeMs, completeMs, status: 'ok', result, attempts: 1 };
}
type COp = Operation<CollectionReq, CollectionRes>;
const add = (client: string, elem: string, t: number): COp => done(client, { type: 'add', elem }, t, t + 5, { type: 'added' });
const remove = (client: string, elem: string, t: number, present: boolean): COp =>
  done(client, { type: 'remove', elem }, t, t + 5, { type: 'removed', tags: present ? ['tag'] : [] });
const get = (client: string, elem: string, t: number, present: boolean): COp => done(client, { type: 'get', elem }, t, t + 5, { type: 'got', present });

describe('sequential consistency per key', () => {
  it('two removes that both found the element after a single add: not sequentially consistent', () => {
    const history = [add('c1', 'fig', 0), remove('c2', 'fig', 10, true), remove('c3', 'fig', 12, true)];
    const r = checkSequentialPerKey(history, collectionModel);
    expect(r.outcome).toBe('violation');
    if (r.outcome === 'violation') expect(r.explanation).toMatch(/^key fig: not sequentially consistent/);
    // One of them finding it absent fits: add, remove (present), remove (absent).
    expect(checkSequentialPerKey([add('c1', 'fig', 0), remove('c2', 'fig', 10, true), remove('c3', 'fig', 12, false)], collectionModel).outcome).toBe('ok');
  });

  it('a client that saw the element present, gone and present again, with one add: not sequentially consistent', () => {
    const history = [add('c1', 'kiwi', 0), remove('c1', 'kiwi', 10, true), get('c2', 'kiwi', 20, true), get('c2', 'kiwi', 30, false), get('c2', 'kiwi', 40, true)];
    expect(checkSequentialPerKey(history, collectionModel).outcome).toBe('violation');
    // Stale reads are fine when only each client's order counts: c2 reads before the add, in the order.
    expect(checkSequentialPerKey([add('c1', 'kiwi', 0), get('c2', 'kiwi', 20, false), get('c2', 'kiwi', 30, true)], collectionModel).outcome).toBe('ok');
  });

  it('keys are checked alone: store buffering over two keys passes per key, fails as a whole', () => {
    const ok: KvRes = { type: 'put-ok' };
    const none: KvRes = { type: 'get-ok', value: null };
    const history = [
      done<KvReq, KvRes>('c1', { type: 'put', key: 'x', value: '1' }, 0, 10, ok),
      done<KvReq, KvRes>('c2', { type: 'put', key: 'y', value: '1' }, 0, 10, ok),
      done<KvReq, KvRes>('c2', { type: 'get', key: 'x' }, 20, 30, none),
      done<KvReq, KvRes>('c1', { type: 'get', key: 'y' }, 20, 30, none),
    ];
    expect(checkSequential(history, kvModel).outcome).toBe('violation');
    expect(checkSequentialPerKey(history, kvModel).outcome).toBe('ok');
  });

  it('operations without a key are left out; the declared level names its property', () => {
    const size = done<CollectionReq, CollectionRes>('c1', { type: 'size' }, 0, 5, { type: 'size' });
    expect(checkSequentialPerKey([size, add('c1', 'lime', 10)], collectionModel).outcome).toBe('ok');
    const p = consistencyProperty({ model: 'collection', level: 'sequential-per-key' });
    expect(p.name).toBe('sequential-per-key');
    expect(p.kind).toBe('eventually');
  });
});
