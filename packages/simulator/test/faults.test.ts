import { describe, expect, it } from 'vitest';
import { simulate, type FaultEvent, type Scenario, type TraceRecord } from '../src/index.ts';
import { probe, type ProbeState } from './fixtures/probe.ts';

function run(scenario: Scenario, seed = 1, over: Parameters<typeof probe>[0] = {}) {
  return simulate({ protocol: probe(over), seed, scenario: { faults: [], ...scenario }, trace: 'full' });
}
const stateOf = (r: ReturnType<typeof run>, id: string) => r.nodes.find((n) => n.id === id)!.state as ProbeState | undefined;
const records = <K extends TraceRecord['k']>(r: ReturnType<typeof run>, k: K) =>
  r.trace!.filter((x): x is Extract<TraceRecord, { k: K }> => x.k === k);
const plan = (...events: FaultEvent[]) => ({ faultPlan: events });

describe('node faults', () => {
  it('crash loses volatile state and pending timers; restart runs start again with fresh state', () => {
    const r = run({ ...plan({ atMs: 550, kind: 'crash', node: 'n2' }, { atMs: 1000, kind: 'restart', node: 'n2' }), durationMs: 1300 });
    expect(r.ok).toBe(true);
    const n2 = stateOf(r, 'n2')!;
    // Restarted at 1000 with a fresh state: its tick count restarted too.
    expect(n2.startedAt).toBe(1000);
    expect(n2.ticks).toBe(2); // at 1100 and 1200; the run ends at 1300 before the third
    expect(n2.got.every((g) => g.at >= 1000)).toBe(true);
    // No timer fired on n2 while it was down.
    const down = records(r, 'timer').filter((x) => x.node === 'n2' && x.t > 550 && x.t < 1000);
    expect(down).toEqual([]);
    // Messages n1 sent to n2 while it was down were dropped on arrival.
    expect(records(r, 'drop').some((d) => d.to === 'n2' && d.reason === 'down')).toBe(true);
    expect(records(r, 'start').filter((s) => s.node === 'n2').map((s) => s.incarnation)).toEqual([1, 2]);
  });

  it('a crashed node reads as down to properties, and its state is gone', () => {
    const seen: boolean[] = [];
    const r = run(plan({ atMs: 500, kind: 'crash', node: 'n3' }), 1, {
      properties: [
        {
          name: 'observe',
          kind: 'always',
          description: 'records n3',
          check: (v) => {
            const n3 = v.nodes.find((n) => n.id === 'n3')!;
            if (v.nowMs > 500 && v.nowMs < 2000) seen.push(n3.up || n3.state !== undefined);
            return true;
          },
        },
      ],
    });
    expect(r.ok).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((x) => x === false)).toBe(true);
  });

  it('pause defers timers and deliveries until resume, then handles them in order', () => {
    const r = run({ ...plan({ atMs: 250, kind: 'pause', node: 'n2' }, { atMs: 800, kind: 'resume', node: 'n2' }), durationMs: 1000 });
    const got = stateOf(r, 'n2')!.got;
    // The hellos sent during the pause arrive at the resume, in order, none lost.
    expect(got.map((g) => g.n)).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
    const atResume = got.filter((g) => g.at === 800);
    expect(atResume.length).toBeGreaterThanOrEqual(4);
    expect(records(r, 'timer').filter((x) => x.node === 'n2' && x.t > 250 && x.t < 800)).toEqual([]);
  });

  it('skew offsets and drift change what ctx.now() reads and how fast timers run', () => {
    const r = run({ ...plan({ atMs: 0, kind: 'skew', node: 'n2', offsetMs: 5000, driftPpm: 100_000 }), durationMs: 1000 });
    const n2 = stateOf(r, 'n2')!;
    expect(n2.startedAt).toBe(5000);
    // Timers of 100 local ms take 100/1.1 simulated ms: more ticks than the unskewed n3.
    expect(n2.ticks).toBeGreaterThan(stateOf(r, 'n3')!.ticks);
  });
});

describe('network faults', () => {
  it('a two-way partition cuts messages between groups until heal', () => {
    const r = run({
      ...plan({ atMs: 250, kind: 'partition', groups: [['n1'], ['n2', 'n3']] }, { atMs: 750, kind: 'heal' }),
      durationMs: 1000,
    });
    const drops = records(r, 'drop').filter((d) => d.reason === 'partition');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((d) => d.t >= 250 && d.t < 750)).toBe(true);
    const n2 = stateOf(r, 'n2')!.got.map((g) => g.n);
    expect(n2.some((n) => n >= 3 && n <= 7)).toBe(false);
    expect(n2).toContain(8);
  });

  it('a one-way partition cuts one direction only', () => {
    const r = run({ ...plan({ atMs: 0, kind: 'oneway', from: ['n1'], to: ['n2'] }), durationMs: 600 });
    expect(stateOf(r, 'n2')!.got).toEqual([]);
    expect(stateOf(r, 'n3')!.got.length).toBe(5);
  });

  it('drop loses messages at the configured rate', () => {
    const r = run({ network: { dropRate: 0.3 }, durationMs: 20_000 });
    const hellos = records(r, 'send').length;
    const lost = records(r, 'drop').filter((d) => d.reason === 'loss').length;
    expect(lost / hellos).toBeGreaterThan(0.25);
    expect(lost / hellos).toBeLessThan(0.35);
    expect(r.stats.messagesDelivered).toBe(hellos - lost);
  });

  it('duplicate delivers a message twice', () => {
    const r = run({ network: { duplicateRate: 0.5 }, durationMs: 2000 });
    const got = stateOf(r, 'n2')!.got.map((g) => g.n);
    expect(got.length).toBeGreaterThan(new Set(got).size);
    expect(records(r, 'dup').length).toBeGreaterThan(0);
  });

  it('without reorder each link is FIFO; with reorder messages overtake each other', () => {
    const wide = { latencyMsMin: 1, latencyMsMax: 300 };
    const fifo = run({ network: { ...wide, reorder: false }, durationMs: 5000 });
    const ns = stateOf(fifo, 'n2')!.got.map((g) => g.n);
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    const re = run({ network: { ...wide, reorder: true }, durationMs: 5000 });
    const ms = stateOf(re, 'n2')!.got.map((g) => g.n);
    expect(ms).not.toEqual([...ms].sort((a, b) => a - b));
  });

  it('delay gives a long-tailed latency within its bounds', () => {
    const r = run({ faults: ['delay'], durationMs: 20_000 });
    const sentAt = new Map(records(r, 'send').map((s) => [s.m, s.t]));
    const lat = records(r, 'deliver').map((d) => d.t - sentAt.get(d.m)!);
    expect(Math.min(...lat)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lat)).toBeLessThanOrEqual(400);
    expect(Math.max(...lat)).toBeGreaterThan(60);
    const sorted = [...lat].sort((a, b) => a - b);
    expect(sorted[Math.floor(lat.length / 2)]!).toBeLessThan(40);
  });
});

describe('generated faults', () => {
  const kinds = ['crash', 'pause', 'partition', 'skew'] as const;
  it.each(kinds)('%s: the generator injects it and the trace records it', (kind) => {
    const r = run({ faults: [kind], durationMs: 20_000, maxFaultyNodes: 1 });
    const faults = records(r, 'fault').map((f) => f.fault.kind);
    const expected = { crash: 'crash', pause: 'pause', partition: undefined, skew: 'skew' }[kind];
    if (expected) expect(faults).toContain(expected);
    else expect(faults.some((f) => f === 'partition' || f === 'oneway')).toBe(true);
    expect(r.plan.length).toBe(records(r, 'fault').length);
  });

  it('never leaves more than maxFaultyNodes nodes crashed or paused at once', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = run({ faults: ['crash', 'pause'], durationMs: 30_000, maxFaultyNodes: 1 }, seed);
      const faulty = new Set<string>();
      for (const f of r.plan) {
        if (f.kind === 'crash' || f.kind === 'pause') faulty.add(f.node);
        if (f.kind === 'restart' || f.kind === 'resume') faulty.delete(f.node);
        expect(faulty.size).toBeLessThanOrEqual(1);
      }
    }
  });

  it('heals everything at the end of the duration and restarts crashed nodes', () => {
    const r = run({ ...plan({ atMs: 100, kind: 'crash', node: 'n2' }, { atMs: 100, kind: 'pause', node: 'n3' }), durationMs: 500, quietMs: 300 });
    expect(records(r, 'quiesce').length).toBe(1);
    expect(r.nodes.every((n) => n.up && !n.paused)).toBe(true);
    expect(stateOf(r, 'n2')!.startedAt).toBe(500);
  });
});
