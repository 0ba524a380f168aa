import { always, eventually } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';
import { Probe, probe, type ProbeState } from './fixtures/probe.ts';

describe('properties', () => {
  it('an always property is checked after every event and stops the run at the first violation', () => {
    const p = probe({ properties: [always<ProbeState>('few-ticks', 'n1 ticks at most 4 times', (v) => {
      const n1 = v.nodes.find((n) => n.id === 'n1')?.state;
      return n1 === undefined || n1.ticks <= 4 || `n1 ticked ${n1.ticks} times`;
    })] });
    const r = simulate({ protocol: p, seed: 3, trace: 'full' });
    expect(r.ok).toBe(false);
    expect(r.violation).toMatchObject({ property: 'few-ticks', message: 'n1 ticked 5 times', atMs: 500 });
    expect(r.endMs).toBe(500);
    const last = r.trace!.at(-1)!;
    expect(last).toMatchObject({ k: 'violation', property: 'few-ticks', i: r.violation!.eventIndex });
    expect(r.events).toBe(r.violation!.eventIndex);
  });

  it('returning false reports the property description', () => {
    const r = simulate({ protocol: probe({ properties: [always('never', 'never holds', () => false)] }), seed: 1 });
    expect(r.violation?.message).toBe('never holds');
  });

  it('an eventually property is checked once, after healing and the quiet period', () => {
    const phases: string[] = [];
    const p = probe({
      durationMs: 1000,
      quietMs: 500,
      properties: [eventually('seen', 'records when it is checked', (v) => void phases.push(`${v.phase}@${v.nowMs}`))],
    });
    const r = simulate({ protocol: p, seed: 1, scenario: { faultPlan: [{ atMs: 100, kind: 'crash', node: 'n2' }] } });
    expect(r.ok).toBe(true);
    expect(phases).toEqual(['quiescent@1500']);
  });

  it('an eventually property that does not hold at the end is a violation', () => {
    const p = probe({
      durationMs: 1000,
      quietMs: 500,
      properties: [eventually<ProbeState>('n2-got-everything', 'n2 got every hello', (v) => {
        const n1 = v.nodes[0]!.state!;
        const n2 = v.nodes[1]!.state!;
        return n2.got.length === n1.ticks || `n2 got ${n2.got.length} of ${n1.ticks}`;
      })],
    });
    // n2 restarts at the heal with an empty state: it can never have every hello.
    const r = simulate({ protocol: p, seed: 1, scenario: { faultPlan: [{ atMs: 100, kind: 'crash', node: 'n2' }] } });
    expect(r.violation?.property).toBe('n2-got-everything');
    expect(r.violation?.atMs).toBe(1500);
  });

  it('a property check that throws is reported as that property failing', () => {
    const r = simulate({ protocol: probe({ properties: [always('boom', 'throws', () => { throw new Error('kaput'); })] }), seed: 1 });
    expect(r.violation).toMatchObject({ property: 'boom', message: 'the check threw: kaput' });
  });
});

describe('the determinism guard', () => {
  const misbehave = (how: 'random' | 'date' | 'throw') =>
    simulate({
      protocol: probe({ workload: { clients: 1, thinkMs: 10, timeoutMs: 100, retries: 0, next: () => ({ type: 'misbehave', how }) } }),
      seed: 1,
    });

  it('Math.random inside a handler fails the run, naming the protocol, handler and node', () => {
    const r = misbehave('random');
    expect(r.violation?.property).toBe('handler-error');
    expect(r.violation?.message).toMatch(/Probe\.onRequest on n1 threw: determinism guard: Math\.random\(\) called during probe\.onRequest on n1; use ctx\.random\(\)/);
  });

  it('Date.now inside a handler fails the run', () => {
    expect(misbehave('date').violation?.message).toMatch(/Date\.now\(\) called during probe\.onRequest on n1; use ctx\.now\(\)/);
  });

  it('Date.now inside initialState fails the run like a handler, with Ken off and on', () => {
    class DatedProbe extends Probe {
      override initialState() {
        return { ...super.initialState(), startedAt: Date.now() };
      }
    }
    for (const ken of [false, true]) {
      const r = simulate({ protocol: probe({ create: () => new DatedProbe() }), seed: 1, ken });
      expect(r.violation?.property, `ken ${ken}`).toBe('handler-error');
      expect(r.violation?.message, `ken ${ken}`).toMatch(/Probe\.initialState on n1 threw: determinism guard: Date\.now\(\) called during probe\.\w+ on n1; use ctx\.now\(\)/);
    }
  });

  it('a handler that throws fails the run with the error', () => {
    expect(misbehave('throw').violation?.message).toMatch(/Probe\.onRequest on n1 threw: told to throw/);
  });

  it('timers, performance.now and new Date() are guarded in property checks too, and all restored after', () => {
    const tries: Record<string, () => unknown> = {
      setTimeout: () => setTimeout(() => {}, 1),
      setInterval: () => setInterval(() => {}, 1),
      performance: () => performance.now(),
      newDate: () => new Date(),
    };
    for (const [name, f] of Object.entries(tries)) {
      const r = simulate({ protocol: probe({ properties: [always(name, name, () => void f())] }), seed: 1 });
      expect(r.violation?.message, name).toMatch(/determinism guard: .* called during the check of property/);
    }
    expect(typeof Date.now()).toBe('number');
    expect(new Date(0).getTime()).toBe(0);
    expect(Math.random()).toBeLessThan(1);
    expect(performance.now()).toBeGreaterThan(0);
  });
});
