/**
 * The tuplespace's partition intervals changed at run time: the default campaign splits
 * its one partition onto three joined nodes, then merges the split-off partition back
 * when one of its nodes leaves. By hand, with the CLI: see the protocol's report for
 * 2,000 seeds.
 */
import { campaign, simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import type { Operation } from '@faultline/runtime';
import { intervalsTile, KEYS, learnDirectory, tuplespace, type Directory, type Req, type Res, type State } from '../packages/protocols/tuplespace/index.ts';
import { onAbsorb, onNotNeighbour, rehashRound, serving } from '../packages/protocols/tuplespace/rehash.ts';
import { onLeave, onLeft } from '../packages/protocols/tuplespace/leave.ts';
import type { Entry, Msg } from '../packages/protocols/tuplespace/messages.ts';
import { initialState, type Ctx } from '../packages/protocols/tuplespace/state.ts';

const historyOf = (r: { history: readonly unknown[] }) => r.history as readonly Operation<Req, Res>[];

describe('a split onto joined nodes, then a merge back', () => {
  it('the default scenario splits the key space onto n4-n6 and merges it back; takes are answered on both sides', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulate({ protocol: tuplespace, seed, scenario: { faults: [] } });
      expect(r.violation, `seed ${seed}`).toBeUndefined();
      const states = new Map(r.nodes.map((n) => [n.id, n.state as State]));
      const split = [...states.entries()].filter(([, s]) => /^0\/\d+$/.test(s.partition));
      expect(split.length, `seed ${seed}: nodes of the split-off partition`).toBeGreaterThanOrEqual(3);
      for (const [, s] of split) {
        expect([s.lo, s.hi]).toEqual([KEYS / 2, KEYS]); // it held the upper half
        expect([s.into, s.absorbed, s.leaving]).toEqual(['0', true, 'left']); // and gave it back
      }
      const kept = [...states.values()].filter((s) => s.partition === '0' && s.leaving === 'stay');
      expect(kept.length).toBeGreaterThanOrEqual(3);
      for (const s of kept) expect([s.lo, s.hi, s.into]).toEqual([0, KEYS, null]);
      const takers = (ids: Set<string>) => historyOf(r).filter((o) => (o.req.type === 'in' || o.req.type === 'inp') && o.status === 'ok' && o.result?.type === 'tuple' && ids.has(o.node ?? ''));
      expect(takers(new Set(split.map(([id]) => id))).length, `seed ${seed}: takes answered by the split-off partition`).toBeGreaterThan(0);
      const late = historyOf(r).filter((o) => o.req.type === 'in' && o.status === 'ok' && o.invokeMs > 9_000 && o.result?.type === 'tuple');
      expect(late.length, `seed ${seed}: takes after the merge`).toBeGreaterThan(0);
    }
  }, 300_000);

  it('seeds that failed weak-ops-converge once pass: a leaver waiting for outs no one else counts (71), a split committed by a sequencer it moved (131), a leave counted from admission (199), Joins passed round a retired group (252), two partitions merged into each other (472)', () => {
    for (const seed of [71, 131, 199, 252, 472]) expect(simulate({ protocol: tuplespace, seed }).violation, `seed ${seed}`).toBeUndefined();
  }, 120_000);

  it('two partitions merged into each other: the lower id absorbs the other and is live again (seed 472)', () => {
    const states = simulate({ protocol: tuplespace, seed: 472 }).nodes.map((n) => n.state as State);
    const undone = states.filter((s) => s.into === null && s.leaving !== 'left' && s.log.some((e, i) => e.kind === 'merge' && s.log.slice(i).some((a) => a.kind === 'absorb' && a.from === e.into)));
    expect(undone.length).toBeGreaterThanOrEqual(2);
    for (const s of undone) expect([s.lo, s.hi]).toEqual([0, KEYS]);
  });

  it('under every fault it claims to tolerate, 20 seeds pass (no-double-take, answers-match, weak-ops-converge with its tiling check)', () => {
    const r = campaign({ protocol: tuplespace, seeds: 20, firstSeed: 101 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
  }, 300_000);
});

describe('intervals and directory', () => {
  const replica = (lo: number, hi: number, into: string | null = null) => [{ id: 'n1', state: { lo, hi, into } as State }];

  it('the live partitions must hold every key exactly once', () => {
    expect(intervalsTile(new Map([['0', replica(0, KEYS / 2)], ['0/6', replica(KEYS / 2, KEYS)]]))).toBe(true);
    expect(intervalsTile(new Map([['0', replica(0, KEYS / 2)]]))).toBe(`no partition holds the keys from ${KEYS / 2} to ${KEYS}`);
    expect(intervalsTile(new Map([['0', replica(0, KEYS)], ['0/6', replica(KEYS / 2, KEYS)]]))).toMatch(/holds keys from 2147483648 that another partition holds too/);
    expect(intervalsTile(new Map([['0', replica(0, KEYS)], ['0/6', replica(KEYS / 2, KEYS, '0')]]))).toMatch(/merged into 0 but n1 has not finished handing it over/);
  });

  it('of two descriptions of a partition the higher version wins, though its group is shorter (groups shrink)', () => {
    // The rule this replaced, "the longer group list is the newer", keeps n2 here after it has left.
    const dir: Directory = { '0': { lo: 0, hi: KEYS, group: ['n1', 'n3', 'n4'], version: 9 } };
    learnDirectory(dir, { '0': { lo: 0, hi: KEYS, group: ['n1', 'n2', 'n3', 'n4'], version: 7 } }, '');
    expect(dir['0']!.group).toEqual(['n1', 'n3', 'n4']);
    learnDirectory(dir, { '0': { lo: 0, hi: KEYS, group: ['n1', 'n3'], version: 11 } }, '');
    expect(dir['0']!.group).toEqual(['n1', 'n3']);
    learnDirectory(dir, { '0': { lo: 0, hi: 1, group: ['n9'], version: 99 } }, '0'); // its own partition: only its log decides
    expect(dir['0']!.group).toEqual(['n1', 'n3']);
  });

  it('while a split is uncommitted, the sequencer takes nothing in the part that moves; while a merge is, nothing at all', () => {
    const s = { partition: '0', into: null, lo: 0, hi: KEYS, commit: 1, log: [{ kind: 'start', view: 0, lo: 0, hi: KEYS, taken: {} }] } as unknown as State;
    expect([serving(s, 5), serving(s, KEYS - 1)]).toEqual([true, true]);
    const split = { ...s, log: [...s.log, { kind: 'split', view: 0, id: '0/1', at: KEYS / 2, give: ['n4'] }] } as State;
    expect([serving(split, 5), serving(split, KEYS / 2), serving(split, KEYS - 1)]).toEqual([true, false, false]);
    expect(serving({ ...split, commit: 2, hi: KEYS / 2 } as State, KEYS - 1)).toBe(false); // committed: no longer its key
    const merge = { ...s, log: [...s.log, { kind: 'merge', view: 0, into: '1' }] } as State;
    expect(serving(merge, 5)).toBe(false);
  });
});

describe('a merge into a neighbour that has split the bordering part off', () => {
  /** A node's handlers run on `state`, the messages they send kept in order. */
  const node = (self: string, state: State) => {
    const sent: [string, Msg][] = [];
    const ctx = { self, state, send: (to: string, m: Msg) => void sent.push([to, m]), randomInt: () => 0 } as unknown as Ctx;
    return { ctx, sent, state };
  };
  const founders = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
  const half = KEYS / 2;
  const quarter = KEYS / 4;
  // Partition 0 held [0, KEYS/2) and split [KEYS/4, KEYS/2) off onto n7-n9 as 0/5 (committed at index 4); partition 1, [KEYS/2, KEYS), merged into 0 from a directory that had not heard of the split.
  const split: Entry = { kind: 'split', view: 0, id: '0/5', at: quarter, give: ['n7', 'n8', 'n9'] };
  const noop: Entry = { kind: 'noop', view: 0 };
  const lower = () => {
    const s = initialState('n1', [...founders, 'n7', 'n8', 'n9'], founders);
    s.log.push(noop, noop, noop, split);
    Object.assign(s, { commit: 5, hi: quarter, version: 5 });
    s.dir['0'] = { lo: 0, hi: quarter, group: ['n1', 'n2', 'n3'], version: 5 };
    s.dir['0/5'] = { lo: quarter, hi: half, group: ['n7', 'n8', 'n9'], version: 1 };
    return node('n1', s);
  };
  const merged = () => {
    const s = initialState('n4', founders, founders);
    Object.assign(s, { into: '0', strays: false, version: 2 });
    return node('n4', s);
  };
  const absorb = { type: 'Absorb', from: '1', lo: half, hi: KEYS, taken: { t9: 'c1:3' } } as const;

  it('the partition named in the merge entry, no longer bordering, names the one that does; the merged member asks it from then on; it absorbs the interval', () => {
    const p0 = lower();
    onAbsorb(p0.ctx, 'n4', absorb);
    expect(p0.state.log).toHaveLength(5); // nothing absorbed there: it does not border [KEYS/2, KEYS)
    expect(p0.sent).toEqual([['n4', { type: 'NotNeighbour', from: '1', by: '0', to: '0/5', dir: p0.state.dir }]]);

    const p1 = merged();
    onNotNeighbour(p1.ctx, p0.sent[0]![1] as Extract<Msg, { type: 'NotNeighbour' }>);
    expect(p1.state.into).toBe('0/5');
    rehashRound(p1.ctx);
    expect(p1.sent).toEqual([['n7', { type: 'Absorb', from: '1', lo: half, hi: KEYS, taken: {} }]]);

    const s = initialState('n7', [], []);
    Object.assign(s, { partition: '0/5', group: ['n7', 'n8', 'n9'], lo: quarter, hi: half, leader: 'n7', log: [{ kind: 'start', view: 0, lo: quarter, hi: half, taken: {} }], commit: 1 });
    const child = node('n7', s);
    onAbsorb(child.ctx, 'n4', absorb);
    expect(child.state.log.at(-1)).toEqual({ kind: 'absorb', view: 0, from: '1', lo: half, hi: KEYS, taken: { t9: 'c1:3' } });
  });

  it('a merged member follows only the answers of the partition it asks, and none once absorbed', () => {
    const wrong = { type: 'NotNeighbour', from: '1', by: '2', to: '0/5', dir: {} } as const;
    const p1 = merged();
    onNotNeighbour(p1.ctx, wrong);
    expect(p1.state.into).toBe('0');
    p1.state.absorbed = true;
    onNotNeighbour(p1.ctx, { ...wrong, by: '0' });
    expect(p1.state.into).toBe('0');
  });

  it('a member that borders the interval, or lags its log (it overlaps it), names nobody', () => {
    const p0 = lower();
    Object.assign(p0.state, { hi: half, leader: 'n2' }); // a follower: the sequencer absorbs
    onAbsorb(p0.ctx, 'n4', absorb);
    Object.assign(p0.state, { hi: KEYS * 0.75 });
    onAbsorb(p0.ctx, 'n4', absorb);
    expect(p0.sent).toEqual([]);
  });
});

describe('without Ken, under every fault but crashes (a crash without Ken forgets the votes and logs that the protocol keeps through Ken)', () => {
  const volatile = ['drop', 'duplicate', 'reorder', 'delay', 'partition', 'pause', 'skew'] as const;

  it('100 seeds pass: the campaign in which pushes, Handoffs, Accepts and Left can be lost, so anti-entropy and every retry are needed', () => {
    // Before the fixes for seeds 3 and 200, 11 of seeds 1-300 failed weak-ops-converge; 55, 75 and 100, among these, did.
    const r = campaign({ protocol: tuplespace, seeds: 100, firstSeed: 41, ken: false, faults: [...volatile] });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
  }, 300_000);

  it('seed 200 passes: n4 and n6 were admitted and split off to 0/4 before any Accept reached them; the sequencer\'s group no longer named them, so they refused its log for good', () => {
    const r = simulate({ protocol: tuplespace, seed: 200, ken: false, faults: [...volatile], trace: 'none' });
    expect(r.violation).toBeUndefined();
    const states = new Map(r.nodes.map((n) => [n.id, n.state as State]));
    for (const id of ['n4', 'n6']) expect(states.get(id)!.partition, id).toBe('0/4');
  }, 60_000);

  it('seed 3 without Ken (no crashes) passes: n6, the merged sequencer, told n4 and n5 to go once and left; n5 never got it and waited forever', () => {
    const r = simulate({ protocol: tuplespace, seed: 3, ken: false, faults: [...volatile], trace: 'none' });
    expect(r.violation).toBeUndefined();
    const merged = r.nodes.map((n) => n.state as State).filter((s) => s.partition.startsWith('0/'));
    expect(merged.map((s) => [s.into, s.leaving])).toEqual([['0', 'left'], ['0', 'left'], ['0', 'left']]);
  }, 60_000);

  it('an absorbed member with nothing left to hand over asks its group until a released member (or the gone sequencer) answers Left', () => {
    const member = (self: string) => {
      const s = initialState(self, ['n4', 'n5', 'n6'], ['n4', 'n5', 'n6']);
      Object.assign(s, { partition: '0', into: '1', absorbed: true, strays: false, leader: 'n6' });
      const sent: [string, Msg][] = [];
      const ctx = { self, state: s, send: (to: string, m: Msg) => void sent.push([to, m]), broadcast: (m: Msg, to: string[]) => to.forEach((t) => sent.push([t, m])), randomInt: () => 0 } as unknown as Ctx;
      return { ctx, sent, state: s };
    };
    const n5 = member('n5');
    rehashRound(n5.ctx);
    expect(n5.sent).toEqual([['n4', { type: 'Leave', partition: '0', ready: true }], ['n6', { type: 'Leave', partition: '0', ready: true }]]);

    const n4 = member('n4'); // not released yet: it says nothing
    onLeave(n4.ctx, 'n5', '0', true);
    expect(n4.sent).toEqual([]);
    n4.state.released = true;
    onLeave(n4.ctx, 'n5', '0', true);
    onLeave(n4.ctx, 'n9', '7', true); // another partition's leaver: not its to release
    expect(n4.sent).toEqual([['n5', { type: 'Left' }]]);
    onLeft(n5.ctx);
    rehashRound(n5.ctx);
    expect(n5.state.leaving).toBe('left');
  });
});
