import { describe, expect, it } from 'vitest';
import { CheckModel, check, statesAlong } from '../../src/index.ts';
import { relayRace } from './fixtures/relay-race.ts';
import { tokenRing } from './fixtures/token-ring.ts';
import { kenHandoff } from './fixtures/ken-handoff.ts';

describe('faultline check', () => {
  it('finds the relay-race ordering bug at depth 3, by a path that replays to it', () => {
    const r = check({ protocol: relayRace, depth: 6 });
    expect(r.ok).toBe(false);
    expect(r.violation).toMatchObject({ property: 'direct-first', depth: 3, foundBy: 'search' });
    expect(r.violation!.path.map((c) => c.label.split(' {')[0])).toEqual(['deliver n3->n4', 'deliver n4->n5', 'deliver n5->n1']);
    const model = new CheckModel({ protocol: relayRace });
    const { states } = statesAlong(model, r.violation!.path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('direct-first');
    expect(model.failing(states.at(-2)!, model.always, 'running')).toBeUndefined();
  });

  it('does not find it one step short', () => {
    const r = check({ protocol: relayRace, depth: 2, walks: 0 });
    expect(r.ok).toBe(true);
    expect(r.coverage).toBe('complete');
  });

  it('state hashing: commuting deliveries reach the same state once', () => {
    const r = check({ protocol: relayRace, depth: 2, walks: 0, sleepSets: false });
    expect(r.statesUnique).toBeLessThan(r.statesExplored);
  });

  it('runs out of new states on a finite space, and stops at --max-states', () => {
    const ring = check({ protocol: tokenRing, faults: [], depth: 50, walks: 0 });
    expect(ring.coverage).toBe('exhausted');
    expect(ring.depth).toBeLessThan(50);
    const capped = check({ protocol: relayRace, depth: 6, maxStates: 3, walks: 0 });
    expect(capped.coverage).toBe('budget');
    expect(capped.statesUnique).toBe(3);
  });

  it('a replayed path whose steps do not match is refused', () => {
    const model = new CheckModel({ protocol: relayRace });
    expect(() => statesAlong(model, [{ i: 0, label: 'deliver n9->n1 {}' }])).toThrow(/path says/);
  });

  it('liveness: the token ring stops for good when the token is dropped, and that drop is the critical transition', () => {
    const r = check({ protocol: tokenRing, depth: 4, walkDepth: 30 });
    expect(r.ok).toBe(false);
    const l = r.liveness!;
    expect(l).toMatchObject({ property: 'every-node-served', verdict: 'violated' });
    expect(l.critical.found).toBe(true);
    if (l.critical.found) {
      expect(l.critical.label).toMatch(/^drop .*token/);
      expect(l.path[l.critical.step - 1]!.label).toBe(l.critical.label);
    }
  });

  it('liveness holds without drops', () => {
    const r = check({ protocol: tokenRing, faults: [], depth: 4, walkDepth: 30 });
    expect(r.ok).toBe(true);
    expect(r.walks.failed).toBe(0);
  });

  it('is deterministic', () => {
    const a = check({ protocol: tokenRing, depth: 5, walks: 10, walkDepth: 30 });
    const b = check({ protocol: tokenRing, depth: 5, walks: 10, walkDepth: 30 });
    expect(b).toEqual(a);
  });

  it('a warm-up runs the healed system, requests held back, before the search; its steps begin the path', () => {
    const r = check({ protocol: relayRace, depth: 0, warmup: 10, walks: 0 });
    // The relay race's only eventually-property is none: the warm-up stops at once.
    expect(r.warmup).toEqual({ steps: 0, reached: true, fromInitial: false });
    const ring = check({ protocol: tokenRing, faults: ['drop'], depth: 1, warmup: 50, walks: 0 });
    expect(ring.warmup).toMatchObject({ reached: true });
    expect(ring.warmup!.steps).toBeGreaterThan(0);
  });
});

describe('faultline check under Ken', () => {
  it('models what Ken provides: a protocol that never resends passes at depth 8, and says which model it used', () => {
    const r = check({ protocol: kenHandoff, depth: 8 });
    expect(r.violation).toBeUndefined();
    expect(r.liveness?.verdict).not.toBe('violated');
    expect(r.ok).toBe(true);
    expect(r.model).toMatch(/^Ken: reliable FIFO links between nodes, no crashes/);
  });

  it('the same code without Ken is a liveness bug the checker finds (a drop or a crash loses the token)', () => {
    const r = check({ protocol: { ...kenHandoff, ken: false }, depth: 8 });
    expect(r.ok).toBe(false);
    expect(r.liveness?.verdict).toBe('violated');
    expect(r.liveness!.critical.found && r.liveness!.critical.label).toMatch(/^(drop n[12]->n[23]|crash n[23])/); // a lost token or a lost holder
    expect(r.model).toMatch(/faults: drop, duplicate, reorder, crash/);
  });
});
