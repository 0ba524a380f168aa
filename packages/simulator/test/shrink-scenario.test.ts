import { describe, expect, it } from 'vitest';
import { ConfigError, shrink, simulate, type FaultEvent } from '../src/index.ts';
import { earlierUnits, shorterUnits } from '../src/shrink-scenario.ts';
import type { ShrinkState } from '../src/shrink-state.ts';
import { BEAT_NODES, beats } from './fixtures/beats.ts';

const violation = { property: 'quiet-after' };

describe('protocol options in a scenario', () => {
  it('reach create with the nodes present at start', () => {
    const r = simulate({ protocol: beats(), seed: 1, trace: 'full' });
    expect(r.violation?.property).toBe('quiet-after');
    const start = r.trace!.find((t) => t.k === 'start' && t.node === 'n5');
    const state = (start as { state?: { initialNodes: string[] } } | undefined)?.state;
    expect(state?.initialNodes).toEqual(['n1', 'n2', 'n3', 'n4']);
    const slower = simulate({ protocol: beats(), seed: 1, scenario: { options: { periodMs: 100 } } });
    expect(slower.events).toBeLessThan(r.events / 5);
  });

  it('are rejected with the error of create, as a configuration error', () => {
    expect(() => simulate({ protocol: beats(), seed: 1, scenario: { options: { periodMs: 500 } } })).toThrow(ConfigError);
    expect(() => simulate({ protocol: beats(), seed: 1, scenario: { options: { periodMs: 500 } } })).toThrow(/protocol beats: periodMs must be in \(0, 200\], not 500/);
    expect(() => simulate({ protocol: beats(), seed: 1, scenario: { options: [1] as never } })).toThrow(/options must be an object/);
  });

  it('go into the trace only when given, so default runs keep their hash', () => {
    const config = (options?: { readonly [option: string]: unknown }) => simulate({ protocol: beats(), seed: 1, trace: 'full', ...(options ? { scenario: { options } } : {}) }).trace![0]!;
    expect(config()).not.toHaveProperty('options');
    expect(config({ periodMs: 20 })).toMatchObject({ k: 'config', options: { periodMs: 20 } });
  });
});

describe('the shrinker on declared cluster shapes and options', () => {
  it('cuts a node list down to the first founders that still fail, the late joiner dropped', () => {
    const r = shrink({ protocol: beats({ minNodes: 1 }), seed: 1 }, violation, { maxRuns: 200 });
    // One node hears no beat, so the smallest failing cluster is two founders.
    expect(r.schedule.scenario.nodes).toEqual(BEAT_NODES.slice(0, 2));
  });

  it('keeps no cut under which the correct version fails the same way', () => {
    const r = shrink({ protocol: beats({ minNodes: 1, shrinkOptions: true }), seed: 1, bug: 'no-op' }, violation, { maxRuns: 200 });
    // All four founders stay, and so does the late joiner: without a bug the same shrink drops it (above).
    const nodes = (r.schedule.scenario.nodes ?? BEAT_NODES) as typeof BEAT_NODES;
    expect(nodes.filter((n) => n.joinAtMs === undefined)).toHaveLength(4);
    expect(nodes.map((n) => n.id)).toContain('n5');
    expect(r.schedule.scenario.options).toBeUndefined();
  });

  it('leaves a node list alone without minNodes, and options alone without shrinkOptions', () => {
    const r = shrink({ protocol: beats(), seed: 1 }, violation, { maxRuns: 200 });
    expect((r.schedule.scenario.nodes as unknown[] | undefined)?.length ?? BEAT_NODES.length).toBeGreaterThanOrEqual(4);
    expect(r.schedule.scenario.options).toBeUndefined();
  });

  it('sets a declared option toward its simplest value, skipping values create rejects', () => {
    const r = shrink({ protocol: beats({ shrinkOptions: true }), seed: 1 }, violation, { maxRuns: 200 });
    const period = r.schedule.scenario.options?.periodMs as number;
    // 400 is rejected (over 200); from 10 the bisection finds a period over 150: two beats per node before 300 ms.
    expect(period).toBeLessThanOrEqual(200);
    expect(period).toBeGreaterThan(150);
    expect(r.shrunk.events).toBeLessThan(r.original.events / 5);
    const replayed = simulate({ protocol: beats({ shrinkOptions: true }), seed: 1, scenario: r.schedule.scenario, choices: r.schedule.choices, trace: 'hash' });
    expect(replayed.traceHash).toBe(r.traceHash);
  });
});

/** A stand-in shrink state over a fault plan: a candidate plan is kept when `fails` says it still fails. */
function planState(plan: readonly FaultEvent[], fails: (p: readonly FaultEvent[]) => boolean) {
  const s = {
    exhausted: false,
    best: { scenario: { faultPlan: plan } },
    tryScenario(scenario: { faultPlan: readonly FaultEvent[] }) {
      const ok = fails(scenario.faultPlan);
      if (ok) s.best = { scenario };
      return ok;
    },
  };
  return s;
}
const at = (p: readonly FaultEvent[], kind: FaultEvent['kind']) => p.find((f) => f.kind === kind)!.atMs;

describe('shorterUnits', () => {
  for (const downMs of [200, 150])
    it(`moves each unit's end toward its start, by as much as still fails, and leaves the rest of the plan alone (the end passing another event: ${downMs === 150})`, () => {
      const plan: FaultEvent[] = [
        { atMs: 100, kind: 'crash', node: 'n2' },
        { atMs: 300, kind: 'partition', groups: [['n1'], ['n3']] },
        { atMs: 1000, kind: 'restart', node: 'n2' },
        { atMs: 1200, kind: 'heal' },
        { atMs: 1500, kind: 'skew', node: 'n1', offsetMs: 5, driftPpm: 0 },
      ];
      // It fails while n2 is down for at least `downMs` and the cut lasts at least 50 ms.
      const s = planState(plan, (p) => at(p, 'restart') - at(p, 'crash') >= downMs && at(p, 'heal') - at(p, 'partition') >= 50);
      shorterUnits(s as unknown as ShrinkState);
      const p = s.best.scenario.faultPlan;
      expect(at(p, 'crash')).toBe(100);
      expect(at(p, 'restart')).toBeGreaterThanOrEqual(100 + downMs);
      expect(at(p, 'restart')).toBeLessThan(120 + downMs);
      expect(at(p, 'partition')).toBe(300);
      expect(at(p, 'heal')).toBeGreaterThanOrEqual(350);
      expect(at(p, 'heal')).toBeLessThan(370);
      expect(at(p, 'skew')).toBe(1500);
    });
});

describe('earlierUnits', () => {
  it('moves each unit earlier whole, by as much as still fails, when it passes another unit on its way', () => {
    const plan: FaultEvent[] = [
      { atMs: 500, kind: 'partition', groups: [['n1'], ['n3']] },
      { atMs: 600, kind: 'heal' },
      { atMs: 1000, kind: 'crash', node: 'n2' },
      { atMs: 1100, kind: 'restart', node: 'n2' },
    ];
    // It fails while n2 is down for 100 ms from 120 ms on or later, and the cut lasts 100 ms from 450 ms on or later.
    const s = planState(plan, (p) => at(p, 'restart') - at(p, 'crash') === 100 && at(p, 'crash') >= 120 && at(p, 'heal') - at(p, 'partition') === 100 && at(p, 'partition') >= 450);
    earlierUnits(s as unknown as ShrinkState);
    const p = s.best.scenario.faultPlan;
    expect(at(p, 'partition')).toBeGreaterThanOrEqual(450);
    expect(at(p, 'partition')).toBeLessThan(460);
    expect(at(p, 'crash')).toBeGreaterThanOrEqual(120);
    expect(at(p, 'crash')).toBeLessThan(130);
    expect(at(p, 'restart') - at(p, 'crash')).toBe(100);
  });
});
