import { describe, expect, it } from 'vitest';
import { HandlerError, Service, TurnExecutor, defineProtocol, protocolProblems, type Context } from '../src/index.ts';

type S = { items: string[]; meta: { n: number } };
type M = { type: 'add'; item: string } | { type: 'share' } | { type: 'snapshot'; items: string[]; meta: { n: number } } | { type: 'noop' };
type Ctx = Context<S, M, string, 'tick'>;

class Store extends Service<S, M, string, string, 'tick'> {
  initialState(): S {
    return { items: [], meta: { n: 0 } };
  }
  onMessage(ctx: Ctx, from: string, msg: M): void {
    switch (msg.type) {
      case 'add':
        ctx.state.items.push(msg.item);
        ctx.state.meta.n++;
        return;
      case 'share':
        ctx.state.meta.n++;
        ctx.send(from, { type: 'snapshot', items: ctx.state.items, meta: ctx.state.meta });
        return;
      case 'snapshot':
        return;
      case 'noop':
        ctx.setTimer('tick', 10);
        ctx.log('noop from', from, { n: 1 });
        return;
    }
  }
  override onRequest(ctx: Ctx, req: string, id: string): void {
    if (req === 'boom') throw new Error('bad request');
    ctx.reply(id, `${req}:${ctx.state.items.length}:${ctx.now()}:${ctx.randomInt(10)}`);
  }
}

const host = { now: () => 1234, random: () => 0.55 };
const exec = () => new TurnExecutor<S>(new Store(), 'n1', ['n1', 'n2', 'n3'], host);

describe('TurnExecutor', () => {
  it('returns a new state and leaves the old one untouched', () => {
    const e = exec();
    const s0 = e.initialState();
    const r = e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'add', item: 'x' } });
    expect(r.changed).toBe(true);
    expect(r.state.items).toEqual(['x']);
    expect(s0.items).toEqual([]);
  });

  it("a turn's effects stay its own: later turns (quiet or not, or one that threw) never add to them", () => {
    const e = exec();
    const s0 = e.initialState();
    const quiet = e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'snapshot', items: [], meta: { n: 0 } } });
    const noisy = e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'noop' } });
    expect(() => e.run(s0, { kind: 'request', requestId: 'r1', client: 'c1', req: 'boom' })).toThrow(HandlerError);
    const later = e.run(s0, { kind: 'message', from: 'n3', msg: { type: 'noop' } });
    e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'snapshot', items: [], meta: { n: 0 } } });
    expect(quiet.effects).toEqual([]);
    expect(noisy.effects.map((x) => x.kind)).toEqual(['setTimer', 'log']);
    expect(later.effects.map((x) => x.kind)).toEqual(['setTimer', 'log']);
    expect(later.effects).not.toBe(noisy.effects);
  });

  it('reusing, the result and its effects list hold until the next turn, which overwrites them; a throw leaves the next turn clean', () => {
    const e = new TurnExecutor<S>(new Store(), 'n1', ['n1', 'n2', 'n3'], host, true);
    const s0 = e.initialState();
    const noisy = e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'noop' } });
    expect(noisy.effects.map((x) => x.kind)).toEqual(['setTimer', 'log']);
    const list = noisy.effects;
    const added = e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'add', item: 'x' } });
    expect(added).toBe(noisy); // the same object, filled in anew
    expect(added.changed).toBe(true);
    expect(added.state.items).toEqual(['x']);
    expect(added.effects).toEqual([]);
    expect(list).toEqual([]); // the earlier turn's list was emptied for reuse
    expect(() => e.run(s0, { kind: 'request', requestId: 'r1', client: 'c1', req: 'boom' })).toThrow(HandlerError);
    const after = e.run(s0, { kind: 'message', from: 'n3', msg: { type: 'share' } });
    expect(after.effects).toEqual([{ kind: 'send', to: 'n3', msg: { type: 'snapshot', items: [], meta: { n: 1 } } }]);
    expect(s0.meta.n).toBe(0);
  });

  it('a turn that does not touch the state returns the same object and no draft', () => {
    const e = exec();
    const s0 = e.initialState();
    const r = e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'noop' } });
    expect(r.changed).toBe(false);
    expect(r.state).toBe(s0);
    expect(r.effects).toEqual([
      { kind: 'setTimer', tag: 'tick', delayMs: 10 },
      { kind: 'log', text: 'noop from n2 {"n":1}' },
    ]);
  });

  it('pieces of state put in a message are plain snapshots that later turns do not change', () => {
    const e = exec();
    let s = e.run(e.initialState(), { kind: 'message', from: 'n2', msg: { type: 'add', item: 'a' } }).state;
    const r = e.run(s, { kind: 'message', from: 'n2', msg: { type: 'share' } });
    const sent = r.effects[0] as { kind: 'send'; msg: { items: string[]; meta: { n: number } } };
    expect(sent.msg).toEqual({ type: 'snapshot', items: ['a'], meta: { n: 2 } });
    s = e.run(r.state, { kind: 'message', from: 'n2', msg: { type: 'add', item: 'b' } }).state;
    expect(sent.msg.items).toEqual(['a']);
    expect(structuredClone(sent.msg)).toEqual(sent.msg);
    expect(s.items).toEqual(['a', 'b']);
  });

  it('gives immer patches when asked', () => {
    const e = exec();
    const r = e.run(e.initialState(), { kind: 'message', from: 'n2', msg: { type: 'add', item: 'x' } }, true);
    expect(r.patches).toHaveLength(2);
    expect(r.patches).toContainEqual({ op: 'add', path: ['items', 0], value: 'x' });
    expect(r.patches).toContainEqual({ op: 'replace', path: ['meta', 'n'], value: 1 });
  });

  it('time and randomness come from the host', () => {
    const e = exec();
    const r = e.run(e.initialState(), { kind: 'request', requestId: 'c1:1', client: 'c1', req: 'get' });
    expect(r.effects).toEqual([{ kind: 'reply', requestId: 'c1:1', result: 'get:0:1234:5' }]);
  });

  it('broadcast goes to every peer but itself', () => {
    class B extends Store {
      override onMessage(ctx: Ctx): void {
        ctx.broadcast({ type: 'noop' });
      }
    }
    const r = new TurnExecutor<S>(new B(), 'n2', ['n1', 'n2', 'n3'], host).run({ items: [], meta: { n: 0 } }, { kind: 'message', from: 'n1', msg: { type: 'noop' } });
    expect(r.effects.map((x) => (x as { to: string }).to)).toEqual(['n1', 'n3']);
  });

  it('a handler that throws voids the turn and names service, handler and node', () => {
    const e = exec();
    const s0 = e.initialState();
    let err: unknown;
    try {
      e.run(s0, { kind: 'request', requestId: 'c1:1', client: 'c1', req: 'boom' });
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(HandlerError);
    expect((err as Error).message).toBe('Store.onRequest on n1 threw: bad request');
    // The executor is usable afterwards and the failed turn left nothing behind.
    const r = e.run(s0, { kind: 'message', from: 'n2', msg: { type: 'noop' } });
    expect(r.effects.length).toBe(2);
  });

  it('rejects bad timer delays', () => {
    class T extends Store {
      override onMessage(ctx: Ctx): void {
        ctx.setTimer('tick', Number.NaN);
      }
    }
    expect(() => new TurnExecutor<S>(new T(), 'n1', ['n1'], host).run({ items: [], meta: { n: 0 } }, { kind: 'message', from: 'n1', msg: { type: 'noop' } })).toThrow(/delay must be a finite number >= 0/);
  });
});

describe('defineProtocol', () => {
  it('accepts a complete definition and lists every problem of a broken one', () => {
    const ok = {
      name: 'store',
      description: 'a store',
      create: () => new Store(),
      bugs: [],
      properties: [],
      faults: ['drop' as const],
      workload: { clients: 1, thinkMs: 1, timeoutMs: 1, retries: 0, next: () => 'get' },
    };
    expect(defineProtocol(ok)).toBe(ok);
    expect(protocolProblems({ ...ok, faults: ['lava'], workload: { ...ok.workload, timeoutMs: 0 }, name: '' })).toEqual([
      'name must be a non-empty string',
      'unknown fault kind "lava"',
      'workload.timeoutMs must be a positive number (a client waits that long for a reply), not 0',
    ]);
    expect(protocolProblems(42)).toEqual(['it is not an object']);
  });
});
