/**
 * TempestCollection (the epidemic collection embedded in a host's state): its API on two
 * hand-driven replicas, and the shopping list that embeds two of them, under the
 * simulator with Ken (500 seeds by hand with the CLI: `faultline test shopping-list`).
 */
import type { Context, NodeId, RequestId } from '@faultline/runtime';
import { campaign } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { LIMITS, TempestCollection, batchTag, type CollectionMsg, type Settled, type State } from '../packages/protocols/epidemic-collection/index.ts';
import { answersFitRequests, neededReads, pantryReads, properties, shoppingList, type Req, type Res, type State as ListState } from '../packages/protocols/shopping-list/index.ts';

interface Host {
  items: State;
}

/** Two replicas of a host that embeds one collection, with a network the test drives by hand. */
function pair() {
  const settled: { node: NodeId; id: RequestId; result: Settled }[] = [];
  const inbox: { to: NodeId; from: NodeId; msg: unknown }[] = [];
  const timers: string[] = [];
  const items = new TempestCollection<Host, 'items'>({ name: 'items', state: (h) => h.items, onStable: (ctx, id, result) => settled.push({ node: ctx.self, id, result }) });
  const cluster = ['a', 'b'];
  const ctxOf = (self: NodeId): Context<Host, CollectionMsg<'items'>, unknown, 'tempest:items'> => {
    const state: Host = { items: TempestCollection.initialState() };
    const peers = cluster.filter((n) => n !== self);
    return {
      self,
      cluster,
      peers,
      state: state as never,
      now: () => 0,
      random: () => 0.5,
      randomInt: () => 0,
      send: (to, msg) => inbox.push({ to, from: self, msg }),
      broadcast: (msg) => peers.forEach((to) => inbox.push({ to, from: self, msg })),
      setTimer: (tag) => timers.push(`${self} ${tag}`),
      cancelTimer: () => {},
      reply: () => {
        throw new Error('the collection replies through onStable only');
      },
      redirect: () => {},
      log: () => {},
      unackedTo: () => 0,
    };
  };
  const ctx = { a: ctxOf('a'), b: ctxOf('b') };
  /** Delivers every message in flight (and those they cause), or drops them. */
  const deliver = (drop = false) => {
    while (inbox.length > 0) {
      const m = inbox.shift()!;
      if (!drop) expect(items.onMessage(ctx[m.to as 'a' | 'b'], m.from, m.msg)).toBe(true);
    }
  };
  items.start(ctx.a);
  items.start(ctx.b);
  return { items, ctx, deliver, settled, timers, inbox };
}

describe('TempestCollection', () => {
  it('reads are local and see the replica’s own updates at once; an update settles once a second replica holds it', () => {
    const { items, ctx, deliver, settled, timers } = pair();
    expect(timers).toEqual(['a tempest:items', 'b tempest:items']);
    expect(items.add(ctx.a, 'milk', 'r1')).toEqual({ status: 'pending' });
    expect([items.contains(ctx.a, 'milk'), items.size(ctx.a), items.values(ctx.a)]).toEqual([true, 1, ['milk']]);
    expect(items.contains(ctx.b, 'milk')).toBe(false); // not there yet: eventual
    expect(settled).toEqual([]);
    deliver();
    expect(settled).toEqual([{ node: 'a', id: 'r1', result: { type: 'added', tag: 'r1' } }]);
    expect(items.values(ctx.b)).toEqual(['milk']);
    // A retry of the same op id is the same add: answered at once, no second tag.
    expect(items.add(ctx.b, 'milk', 'r1')).toEqual({ status: 'done', result: { type: 'added', tag: 'r1' } });
    expect(Object.keys(ctx.b.state.items.adds)).toEqual(['r1']);
  });

  it('remove and clear remove what the replica sees (a concurrent add elsewhere survives); addAll is one operation with one tag per element', () => {
    const { items, ctx, deliver, settled } = pair();
    expect(items.addAll(ctx.a, ['eggs', 'rice', 'milk'], 'r1')).toEqual({ status: 'pending' });
    deliver();
    expect(settled.map((s) => s.result)).toEqual([{ type: 'added-all', tags: [batchTag('r1', 0), batchTag('r1', 1), batchTag('r1', 2)] }]);
    expect(items.remove(ctx.b, 'eggs', 'r2')).toEqual({ status: 'pending' });
    expect(items.remove(ctx.b, 'bread', 'r3')).toEqual({ status: 'done', result: { type: 'removed', tags: [] } });
    deliver();
    expect(items.values(ctx.a)).toEqual(['milk', 'rice']);
    items.add(ctx.b, 'bread', 'r4'); // not yet at a when a clears
    expect(items.clear(ctx.a, 'r5')).toEqual({ status: 'pending' });
    expect(items.size(ctx.a)).toBe(0);
    deliver();
    expect(settled.at(-1)).toEqual({ node: 'a', id: 'r5', result: { type: 'removed', tags: [batchTag('r1', 1), batchTag('r1', 2)].sort() } });
    expect([items.values(ctx.a), items.values(ctx.b)]).toEqual([['bread'], ['bread']]);
  });

  it('refuses a batch larger than one Delta, and takes no more updates than it can keep pending', () => {
    const { items, ctx, deliver } = pair();
    const many = Array.from({ length: LIMITS.maxDeltaEntries + 1 }, (_, i) => `e${i}`);
    expect(items.addAll(ctx.a, many, 'big')).toEqual({ status: 'done', result: { type: 'error', error: expect.stringMatching(/at most 256/) } });
    expect(items.size(ctx.a)).toBe(0);
    for (let i = 0; i < LIMITS.maxPending; i++) expect(items.add(ctx.a, `x${i}`, `p${i}`).status).toBe('pending');
    expect(items.add(ctx.a, 'one-more', 'p-last')).toEqual({ status: 'busy' });
    deliver(true); // lost: still pending, re-pushed by the next gossip round
    expect(items.onTimer(ctx.a, 'tempest:items')).toBe(true);
    deliver();
    expect(items.add(ctx.a, 'one-more', 'p-last').status).toBe('pending');
  });

  it('leaves the host its own messages and timers', () => {
    const { items, ctx } = pair();
    expect(items.onMessage(ctx.a, 'b', { type: 'tempest', collection: 'other', msg: {} })).toBe(false);
    expect(items.onMessage(ctx.a, 'b', { type: 'Sync', adds: [], tombs: [] })).toBe(false);
    expect(items.onTimer(ctx.a, 'tempest:other')).toBe(false);
  });
});

describe('shopping-list: a service over two embedded collections', () => {
  it('under Ken (its default) the correct version passes 8 seeds with every fault kind but disk', () => {
    expect(shoppingList.ken).toBe(true);
    const r = campaign({ protocol: shoppingList, seeds: 8 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(8);
  }, 300_000); // a loaded machine (campaigns under Ken): up to 90 s seen

  it('finds has-reads-pantry (needed:reads-see-replica-removes) and the collection’s own bugs, run embedded, scanning seeds 1 to 10', () => {
    const caught = (bug: string) => new Set(campaign({ protocol: shoppingList, bug, seeds: 10 }).failures.map((f) => f.property));
    expect(caught('has-reads-pantry')).toEqual(new Set(['needed:reads-see-replica-removes']));
    expect(caught('collection:remove-without-tombstone')).toContain('needed:no-resurrection');
    expect(caught('collection:get-ignores-tombstones')).toEqual(new Set(['needed:reads-see-replica-removes']));
  }, 300_000);

  type Op = { id: string; client: string; req: Req; invokeMs: number; completeMs: number; status: 'ok'; result: Res; node: string; attempts: number };
  const op = (id: string, req: Req, invokeMs: number, result: Res, node = 'n1'): Op => ({ id, client: 'c1', req, invokeMs, completeMs: invokeMs + 5, status: 'ok', result, node, attempts: 1 });

  it('needed:reads-see-replica-removes fails on a has or list answering an item present after that replica acknowledged a bought or a checkout of it', () => {
    const check = (history: Op[]) => neededReads.check({ nodes: [{ id: 'n1', up: true, state: {} }], history, nowMs: 100 } as never);
    const need = op('c1:1', { type: 'need', item: 'milk' }, 0, { type: 'needed', tags: ['c1:1'] });
    const has = op('c1:9', { type: 'has', item: 'milk' }, 50, { type: 'has', present: true });
    const bought = op('c1:2', { type: 'bought', item: 'milk' }, 10, { type: 'bought', removed: ['c1:1'], tag: 'c1:2' });
    const checkout = op('c1:3', { type: 'checkout' }, 10, { type: 'checked-out', removed: ['c1:1'] });
    expect(check([need, bought, has])).toMatch(/has milk c1:9 answered present by n1 .* remove c1:2/);
    const list = op('c1:9', { type: 'list' }, 50, { type: 'items', items: ['eggs', 'milk'] });
    expect(check([need, bought, list])).toMatch(/list milk c1:9 answered present by n1 .* remove c1:2/);
    expect(check([need, bought, { ...list, result: { type: 'items', items: ['eggs'] } }])).toBe(true);
    expect(check([need, checkout, has])).toMatch(/remove c1:3/);
    // Explained by a recipe the checkout did not observe; fine before any remove.
    const recipe = op('c2:1', { type: 'recipe', items: ['eggs', 'milk'] }, 30, { type: 'needed', tags: ['c2:1/0', 'c2:1/1'] }, 'n2');
    expect(check([need, checkout, recipe, has])).toBe(true);
    expect(check([need, has])).toBe(true);
  });

  it('answers-fit-requests fails on a request answered with another request\'s kind of answer (a bought answered as the checkout its remove half looks like)', () => {
    const check = (history: Op[]) => answersFitRequests.check({ nodes: [], history, nowMs: 100, phase: 'quiet' } as never);
    const bought = op('c1:2', { type: 'bought', item: 'milk' }, 10, { type: 'bought', removed: ['c1:1'], tag: 'c1:2' });
    expect(check([bought, op('c1:3', { type: 'checkout' }, 20, { type: 'error', error: 'too many' })])).toBe(true);
    expect(check([bought, { ...bought, id: 'c1:4', result: { type: 'checked-out', removed: ['c1:1'] } }])).toBe('bought c1:4 answered checked-out by n1');
  });

  it('pantry:reads-see-replica-adds fails on a pantry read that leaves out an item its replica acknowledged a bought of (a checkout that empties the pantry survived 300 seeds without it)', () => {
    const check = (history: Op[], up = true) => pantryReads.check({ nodes: [{ id: 'n1', up, state: up ? {} : undefined }], history, nowMs: 100 } as never);
    const bought = op('c1:2', { type: 'bought', item: 'milk' }, 10, { type: 'bought', removed: [], tag: 'c1:2' });
    const read = (items: string[], node = 'n1') => op('c1:9', { type: 'pantry' }, 50, { type: 'items', items }, node);
    expect(check([bought, read(['eggs'])])).toMatch(/pantry c1:9 answered by n1 .* leaves out milk, added by c1:2/);
    expect(check([bought, read(['eggs', 'milk'])])).toBe(true);
    expect(check([bought, read([], 'n2')])).toBe(true); // another replica may not have it yet
    expect(check([{ ...bought, invokeMs: 60, completeMs: 70 }, read([])])).toBe(true); // acknowledged after the read began
  });

  it('pantry:acknowledged-adds-survive fails when a live replica lacks the pantry tag of an acknowledged bought', () => {
    const p = properties().find((x) => x.name === 'pantry:acknowledged-adds-survive')!;
    const state = (pantryTags: string[]): ListState => ({
      needed: TempestCollection.initialState(),
      pantry: { ...TempestCollection.initialState(), adds: Object.fromEntries(pantryTags.map((t) => [t, 'milk'])) },
      moves: {},
    });
    const history = [op('c1:2', { type: 'bought', item: 'milk' }, 10, { type: 'bought', removed: [], tag: 'c1:2' })];
    const view = (b: string[]) => ({ nodes: [{ id: 'n1', up: true, state: state(['c1:2']) }, { id: 'n2', up: true, state: state(b) }], history, nowMs: 100, phase: 'quiet' });
    expect(p.check(view([]) as never)).toMatch(/c1:2.*n2 does not have the add/);
    expect(p.check(view(['c1:2']) as never)).toBe(true);
  });
});
