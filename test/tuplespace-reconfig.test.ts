/**
 * The tuplespace's run-time changes: nodes joining a running tuplespace, nodes leaving it,
 * and a sequencer replaced by majority vote while it is down.
 */
import { campaign, simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import type { Operation } from '@faultline/runtime';
import { handedOver, KEYS, LEAVES, noDoubleTake, Tuplespace, tuplespace as defaultTuplespace, weakOpsConverge, type Req, type Res, type State } from '../packages/protocols/tuplespace/index.ts';

const historyOf = (r: { history: readonly unknown[] }) => r.history as readonly Operation<Req, Res>[];

const FOUNDERS = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => ({ id }));

/**
 * The campaign these tests were written for (the default before intervals changed at run
 * time): six founders in two partitions of three, n7 and n8 joining, n2 and n4 (partition
 * 1's first sequencer) leaving; no partition splits (none reaches six) or merges (n2's and
 * n4's groups have four members when they leave).
 */
const tuplespace = {
  ...defaultTuplespace,
  create: ({ bug }: { bug?: string }) => new Tuplespace({ bug: bug as never, founders: FOUNDERS.map((n) => n.id), leaves: { n2: 50, n4: 60 } }),
  nodes: [...FOUNDERS, { id: 'n7', joinAtMs: 2_500, contacts: ['n1'] }, { id: 'n8', joinAtMs: 5_000, contacts: ['n4'] }],
};

describe('joining a running tuplespace', () => {
  it('a joiner knowing one founder is admitted as a replica; no tuple is taken twice over 20 seeds', () => {
    // Before joins were built, a joiner took itself for a partition of its own and served
    // takes alone: no-double-take failed in 10 of these 20 seeds.
    const scenario = { nodes: [...FOUNDERS, { id: 'n7', joinAtMs: 2_000, contacts: ['n1'] }] };
    const r = campaign({ protocol: tuplespace, seeds: 20, scenario });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
  }, 300_000); // about 4 s of CPU, slower on a loaded machine

  it('joiners get the whole state: the log from the sequencer, every earlier tuple by pulls', () => {
    const scenario = { nodes: [...FOUNDERS, { id: 'n7', joinAtMs: 4_000, contacts: ['n5'] }], faults: [] };
    const r = simulate({ protocol: tuplespace, seed: 3, scenario });
    expect(r.violation).toBeUndefined();
    const states = new Map(r.nodes.map((n) => [n.id, n.state as State]));
    const n7 = states.get('n7')!;
    expect(n7.partition).not.toBe('');
    const peer = states.get(n7.group.find((id) => id !== 'n7')!)!;
    expect(n7.group).toContain('n7');
    // It holds tuples written before it started, and the log's committed prefix.
    const early = historyOf(r).filter((o) => o.req.type === 'out' && o.status === 'ok' && (o.completeMs ?? Infinity) < 4_000 && peer.tuples[o.id] !== undefined);
    expect(early.length).toBeGreaterThan(0);
    for (const o of early) expect(n7.tuples[o.id]).toBeDefined();
    expect(n7.log.slice(0, n7.commit)).toEqual(peer.log.slice(0, peer.commit));
  });

  it('weak-ops-converge fails while a live node has not been admitted', () => {
    const joiner = { partition: '', into: null, group: [], tuples: {}, log: [], commit: 0 } as unknown as State;
    const r = weakOpsConverge.check({ nodes: [{ id: 'n7', up: true, state: joiner }], history: [], phase: 'quiet', now: 1 } as never);
    expect(r).toBe('n7 has not been admitted as a replica');
  });
});

describe('leaving a running tuplespace', () => {
  it('a follower (n2) and a sequencer (n4) leave: their groups shrink, the rest hold every out they acknowledged, takes go on', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: tuplespace, seed, scenario: { faults: [] } });
      expect(r.violation).toBeUndefined();
      const states = new Map(r.nodes.map((n) => [n.id, n.state as State]));
      for (const id of ['n2', 'n4']) {
        const leaver = states.get(id)!;
        expect(leaver.leaving).toBe('left');
        const rest = [...states.entries()].filter(([m, s]) => m !== id && s.partition === leaver.partition).map(([, s]) => s);
        for (const s of rest) expect(s.group).not.toContain(id);
        const acked = historyOf(r).filter((o) => o.req.type === 'out' && o.status === 'ok' && o.node === id);
        expect(acked.length).toBeGreaterThan(0);
        for (const o of acked) for (const s of rest) expect(s.tuples[o.id]).toBeDefined();
      }
      // Partition 1 lost its first sequencer by its leave: a new one, elected by the rest, commits takes.
      const n5 = states.get('n5')!;
      expect(n5.leader).not.toBe('n4');
      const takes = historyOf(r).filter((o) => (o.req.type === 'in' || o.req.type === 'inp') && o.status === 'ok' && o.result?.type === 'tuple' && o.node !== undefined && n5.group.includes(o.node) && o.invokeMs > 8_000);
      expect(takes.length).toBeGreaterThan(0);
    }
  });

  it('seeds that failed weak-ops-converge once pass: leavers left behind (453, 1195, 1643, 1497), a joiner admitted by both partitions (1299)', () => {
    for (const seed of [453, 1195, 1643, 1497, 1299]) expect(simulate({ protocol: tuplespace, seed }).violation, `seed ${seed}`).toBeUndefined();
  });

  it('no replica is left in a group of another partition (seed 1299 once had a joiner admitted by both partitions: it answers the second with Elsewhere and is removed there)', () => {
    const r = simulate({ protocol: tuplespace, seed: 1299 });
    const states = new Map(r.nodes.map((n) => [n.id, n.state as State]));
    for (const [id, s] of states) {
      if (s.partition === '' || s.leaving === 'left') continue;
      for (const m of s.group) expect(states.get(m)!.partition === s.partition || states.get(m)!.leaving === 'left', `${m} in ${id}'s group`).toBe(true);
    }
  });

  it('the leaves option is checked: node ids to positive whole rounds', () => {
    // Options reach create() from a cluster config, untyped.
    const create = (options: unknown) => () => defaultTuplespace.create(options as { bug?: string });
    expect(create({ leaves: { n2: 0 } })).toThrow(/option leaves must map node ids to the gossip round/);
    expect(create({ leaves: ['n2'] })).toThrow(/option leaves/);
    expect(create({ founders: ['a', 'b', 'c'], leaves: { a: 10 } })).not.toThrow();
  });

  it("the simulator's leaves apply to a simulation only: a deployment without founders or leaves options has no leaver", () => {
    const leaveIn = (service: ReturnType<typeof defaultTuplespace.create>, self: string) => service.initialState({ self, cluster: ['n1', 'n2', 'n3', 'n4', 'n5'] } as never).leaveIn;
    expect(leaveIn(defaultTuplespace.create({ initialNodes: ['n1', 'n2', 'n3'] }), 'n2')).toBe(LEAVES.n2);
    expect(leaveIn(defaultTuplespace.create({}), 'n2')).toBe(-1);
    expect(leaveIn(defaultTuplespace.create({ leaves: { n2: 7 } }), 'n2')).toBe(7);
  });

  it('gossipMs (an option the shrinker may slow down) is checked, and a slower round makes a run of fewer events that still passes', () => {
    expect(() => defaultTuplespace.create({ gossipMs: 0 })).toThrow(/option gossipMs must be an integer/);
    expect(defaultTuplespace.shrinkOptions).toEqual({ gossipMs: { default: 100, simplest: 300, integer: true } });
    const run = (options: Record<string, unknown>) => simulate({ protocol: defaultTuplespace, seed: 3, scenario: { faults: [], options } });
    const [normal, slow] = [run({}), run({ gossipMs: 300 })];
    expect([normal.violation, slow.violation]).toEqual([undefined, undefined]);
    expect(slow.events).toBeLessThan(normal.events);
  }, 120_000);

  it('a leaver is handed over only once another member holds every out of its own origins and of origins no other member has', () => {
    const held = { a: ['x'], b: ['x'], c: ['x'], d: ['x'] };
    const s = (covered: Record<string, Record<string, number>>, tuples: Record<string, string[]> = held, strays = false) => ({ group: ['n1', 'n2', 'n3'], outs: { 'n1.7': ['a', 'b'], 'n2.4': ['c'], 'n9.1': ['d'] }, covered, tuples, strays });
    expect(handedOver(s({}), 'n1')).toBe(false);
    expect(handedOver(s({ n2: { 'n1.7': 1, 'n9.1': 1 } }), 'n1')).toBe(false); // one out of n1.7 is missing there
    expect(handedOver(s({ n2: { 'n1.7': 2 }, n3: { 'n9.1': 1 } }), 'n1')).toBe(false); // no one member holds both
    expect(handedOver(s({ n3: { 'n1.7': 2, 'n9.1': 1 } }), 'n1')).toBe(true); // n2's own outs are n2's to keep
    expect(handedOver(s({ n3: { 'n1.7': 2, 'n9.1': 1 } }, held, true), 'n1')).toBe(false); // tuples outside the interval not handed over yet
  });

  it('a leaver waits for no one to hold the outs it counts but does not hold (outside its interval, or handed over)', () => {
    // n9.1's only out lies in another partition's interval: no member of this one ever counts that origin.
    const s = (covered: Record<string, Record<string, number>>) => ({ group: ['n1', 'n2', 'n3'], outs: { 'n1.7': ['a', 'b', 'e'], 'n9.1': ['d'] }, covered, tuples: { a: ['x'], b: ['x'] }, strays: false });
    expect(handedOver(s({ n2: { 'n1.7': 2 } }), 'n1')).toBe(true);
    expect(handedOver(s({ n2: { 'n1.7': 1 } }), 'n1')).toBe(false); // b, which it holds, is missing there
  });

  it('weak-ops-converge fails when an out acknowledged by a node that has left is missing at a replica of its partition', () => {
    const replica = (tuples: Record<string, unknown>) => ({ partition: '1', into: null, lo: 0, hi: KEYS, leaving: 'stay', group: ['n5', 'n6'], tuples, log: [], commit: 0 });
    const out = { id: 'c1:1', client: 'c1', req: { type: 'out', tuple: ['done', 1] }, invokeMs: 0, completeMs: 1, status: 'ok', result: { type: 'written', id: 'c1:1' }, node: 'n4', attempts: 1 };
    const left = { ...replica({ 'c1:1': ['done', 1] }), leaving: 'left', group: ['n4', 'n5', 'n6'] };
    const check = (n6: unknown) =>
      weakOpsConverge.check({ nodes: [{ id: 'n4', up: true, state: left }, { id: 'n5', up: true, state: replica({ 'c1:1': ['done', 1] }) }, { id: 'n6', up: true, state: n6 }], history: [out], phase: 'quiet', now: 1 } as never);
    expect(check(replica({ 'c1:1': ['done', 1] }))).toBe(true);
    expect(check(replica({}))).toMatch(/partition 1: n5 and n6 hold different tuples/);
    const both = { ...replica({}) };
    expect(
      weakOpsConverge.check({ nodes: [{ id: 'n4', up: true, state: left }, { id: 'n5', up: true, state: both }, { id: 'n6', up: true, state: both }], history: [out], phase: 'quiet', now: 1 } as never),
    ).toBe('out c1:1 was acknowledged by n4 but n5, a replica of the partition that holds its key, does not have it');
  });
});

describe('strong operations without their sequencer', () => {
  it('with both initial sequencers down for good, a majority elects new ones and ins keep completing', () => {
    const scenario = {
      nodes: FOUNDERS,
      faults: [],
      faultPlan: [
        { atMs: 2_000, kind: 'crash' as const, node: 'n1' },
        { atMs: 2_000, kind: 'crash' as const, node: 'n4' },
      ],
    };
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: tuplespace, seed, scenario });
      expect(r.violation).toBeUndefined();
      const takes = historyOf(r).filter((o) => (o.req.type === 'in' || o.req.type === 'inp') && o.status === 'ok' && o.invokeMs > 3_000 && o.result?.type === 'tuple');
      expect(takes.length).toBeGreaterThan(0);
      const live = r.nodes.filter((n) => n.up).map((n) => n.state as State);
      for (const s of live) expect(s.leader === 'n1' || s.leader === 'n4').toBe(false);
      for (const s of live) expect(s.view).toBeGreaterThan(0);
    }
  });
});

describe('no-double-take reads committed entries only', () => {
  const node = (id: string, log: unknown[], commit: number) => ({ id, up: true, state: { log, commit } });
  const check = (nodes: unknown[]) => noDoubleTake.check({ nodes, history: [], phase: 'running', now: 1 } as never);
  const take = (by: string, id: string, view: number) => ({ kind: 'take', view, by, id });

  it('an uncommitted entry that a later sequencer replaced is not a take', () => {
    expect(check([node('n1', [take('c1:2', 'c9:1', 0)], 0), node('n2', [take('c2:5', 'c9:1', 1)], 1)])).toBe(true);
  });

  it('two committed logs naming two takers of one tuple fail', () => {
    expect(check([node('n1', [take('c1:2', 'c9:1', 0)], 1), node('n2', [{ kind: 'noop', view: 1 }, take('c2:5', 'c9:1', 1)], 2)])).toMatch(/tuple c9:1 was taken by both c1:2 and c2:5/);
  });
});
