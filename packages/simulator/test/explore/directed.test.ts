import { describe, expect, it } from 'vitest';
import { CheckModel, check, statesAlong } from '../../src/index.ts';
import { PropertyInputs } from '../../src/explore/property-inputs.ts';
import { chainReconfig } from './fixtures/chain-reconfig.ts';
import { leaseFailover } from './fixtures/lease-failover.ts';
import { twoPhase } from './fixtures/two-phase.ts';

const bug = 'no-resend-on-reconfig';

describe('directed search (check --directed, issue 17)', () => {
  it("learns what the always-properties read: chain-prefix follows each node's next and reads its log, never its tick counters", () => {
    const model = new CheckModel({ protocol: chainReconfig, bug });
    const inputs = new PropertyInputs(model);
    const first = inputs.novelty(model.initial().state);
    expect(inputs.read.fields).toEqual(['log', 'next']);
    expect(first).toBeGreaterThan(0);
    // The same state again has nothing new; a head tick (a new log entry) has.
    expect(inputs.novelty(model.initial().state)).toBe(0);
    const s = model.initial().state;
    const tick = model.actions(s).find((a) => a.k === 'timer' && a.node === 0)!;
    expect(inputs.novelty(model.apply(s, tick).state)).toBe(1);
    const other = model.actions(s).find((a) => a.k === 'timer' && a.node === 1)!;
    expect(inputs.novelty(model.apply(s, other).state)).toBe(0);
  });

  it("finds chain-reconfig's bug in fewer states than breadth first, by a path that replays to it", () => {
    const bfs = check({ protocol: chainReconfig, bug, depth: 30, walks: 0 });
    const r = check({ protocol: chainReconfig, bug, depth: 30, walks: 0, directed: true });
    expect(r.violation).toMatchObject({ property: 'chain-prefix', foundBy: 'search' });
    expect(r.statesUnique).toBeLessThan(bfs.statesUnique);
    // Not a shortest path: best first, not breadth first.
    expect(r.violation!.depth).toBeGreaterThanOrEqual(bfs.violation!.depth);
    const model = new CheckModel({ protocol: chainReconfig, bug });
    const { states } = statesAlong(model, r.violation!.path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('chain-prefix');
    expect(r.violation!.path).toHaveLength(r.violation!.depth);
  });

  it('reaches the timed chain bug (every node ticks in due order: a path of about 40 steps) within a budget where breadth first does not', () => {
    const o = { protocol: chainReconfig, bug, depth: 45, walks: 0, timed: true, maxStates: 20_000 } as const;
    const bfs = check(o);
    expect(bfs).toMatchObject({ ok: true, coverage: 'budget' });
    const r = check({ ...o, directed: true });
    expect(r.violation?.property).toBe('chain-prefix');
    expect(r.statesUnique).toBeLessThan(20_000);
  });

  it('covers the same states as breadth first within the depth (states reached again by a shorter path are searched again)', () => {
    for (const o of [
      { protocol: twoPhase, depth: 30, walks: 0 },
      { protocol: leaseFailover, depth: 16, walks: 0, timed: true },
      { protocol: chainReconfig, depth: 8, walks: 0 },
    ]) {
      const a = check(o);
      const b = check({ ...o, directed: true });
      expect({ ok: b.ok, un: b.statesUnique, cov: b.coverage, d: b.depth }).toEqual({ ok: a.ok, un: a.statesUnique, cov: a.coverage, d: a.depth });
    }
  });

  it('still finds what breadth first finds on a shallow bug, and a liveness failure from its frontier', () => {
    expect(check({ protocol: twoPhase, bug: 'commit-on-majority', depth: 20, walks: 0, directed: true }).violation?.property).toBe('agreement');
    const r = check({ protocol: { ...chainReconfig, ken: false, faults: ['drop'] }, depth: 3, directed: true });
    expect(r.ok).toBe(false);
  });
});
