import { describe, expect, it } from 'vitest';
import { ConfigError, PctQueue, Rng, simulate, type TraceRecord } from '../../src/index.ts';
import { relayRace } from './fixtures/relay-race.ts';

const pct = { kind: 'pct', depth: 3, steps: 40 } as const;

describe('--strategy pct', () => {
  it('is deterministic: the same seed and options give the same trace', () => {
    for (const seed of [1, 2, 3]) {
      const a = simulate({ protocol: relayRace, seed, strategy: pct });
      const b = simulate({ protocol: relayRace, seed, strategy: pct });
      expect(a.traceHash).toBe(b.traceHash);
      expect(a.events).toBe(b.events);
    }
  });

  it('schedules differently from random (same seed, another trace)', () => {
    const differs = [1, 2, 3].some((seed) => simulate({ protocol: relayRace, seed }).traceHash !== simulate({ protocol: relayRace, seed, strategy: pct }).traceHash);
    expect(differs).toBe(true);
  });

  it('without steps, takes them from the same seed run with random (and stays deterministic)', () => {
    const a = simulate({ protocol: relayRace, seed: 5, strategy: { kind: 'pct' } });
    const b = simulate({ protocol: relayRace, seed: 5, strategy: { kind: 'pct' } });
    expect(a.traceHash).toBe(b.traceHash);
  });

  it('finds the relay-race ordering bug within the first 20 seeds', () => {
    const failing: number[] = [];
    for (let seed = 1; seed <= 20; seed++) if (!simulate({ protocol: relayRace, seed, strategy: pct, trace: 'none' }).ok) failing.push(seed);
    expect(failing.length).toBeGreaterThan(0);
    const r = simulate({ protocol: relayRace, seed: failing[0]!, strategy: pct });
    expect(r.violation?.property).toBe('direct-first');
  });

  it('never delivers a message after its latency window closes (send time + the maximum latency)', () => {
    const r = simulate({ protocol: relayRace, seed: 7, strategy: pct, scenario: { network: { latencyMsMin: 2, latencyMsMax: 9 } }, trace: 'full' });
    const maxMs = 9;
    const sent = new Map<number, number>();
    let delivered = 0;
    for (const rec of r.trace as readonly (TraceRecord & { m?: number })[]) {
      if (rec.k === 'send' && rec.m !== undefined) sent.set(rec.m, rec.t);
      if (rec.k === 'deliver' && rec.m !== undefined) {
        delivered++;
        expect(rec.t).toBeLessThanOrEqual(sent.get(rec.m)! + maxMs + 1e-9);
        expect(rec.t).toBeGreaterThanOrEqual(sent.get(rec.m)! + 2 - 1e-9);
      }
    }
    expect(delivered).toBeGreaterThan(0);
  });

  it('rejects a bad depth', () => {
    expect(() => simulate({ protocol: relayRace, seed: 1, strategy: { kind: 'pct', depth: 0 } })).toThrow(ConfigError);
  });
});

describe('PctQueue', () => {
  type E = { t: number; seq: number; owner: string | undefined; windowed: boolean };
  const queue = (depth: number, steps: number, now = () => 0) =>
    new PctQueue<E>({ nodes: ['a', 'b', 'c'], rng: new Rng('q'), depth, steps, latencyMsMin: 1, latencyMsMax: 10, classify: (e) => e, now });

  it('draws depth - 1 distinct change points in [1, steps]', () => {
    const q = queue(4, 50);
    const points = q.changePoints();
    expect(points).toHaveLength(3);
    expect(new Set(points).size).toBe(3);
    for (const p of points) expect(p >= 1 && p <= 50).toBe(true);
  });

  it('delivers the highest-priority sender first among messages whose windows are open', () => {
    const q = queue(1, 10);
    const [first] = q.priorities();
    let seq = 0;
    for (const owner of ['a', 'b', 'c']) q.push({ t: 5, seq: ++seq, owner, windowed: true });
    expect(q.pop()!.owner).toBe(first);
  });

  it('lets the environment go first when it is due', () => {
    const q = queue(1, 10);
    q.push({ t: 3, seq: 1, owner: 'a', windowed: true });
    q.push({ t: 1, seq: 2, owner: undefined, windowed: false });
    expect(q.pop()!.owner).toBeUndefined();
  });

  it('a change point drops the owner of the event that goes then below everyone', () => {
    const q = queue(2, 1); // the one change point is at step 1
    const top = q.priorities()[0]!;
    q.push({ t: 5, seq: 1, owner: top, windowed: true });
    expect(q.pop()!.owner).toBe(top);
    expect(q.priorities().at(-1)).toBe(top);
  });
});
