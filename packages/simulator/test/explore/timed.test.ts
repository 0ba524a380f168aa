import { describe, expect, it } from 'vitest';
import { CheckModel, check, statesAlong } from '../../src/index.ts';
import { leaseFailover } from './fixtures/lease-failover.ts';

const ticks = (path: readonly { label: string }[]) => path.filter((c) => c.label.startsWith('timer ')).length;

describe('the timed model: timers fire in due order', () => {
  it('untimed, the monitor may check four times before the primary ticks once: a correct lease "fails"', () => {
    const r = check({ protocol: leaseFailover, depth: 8, walks: 0 });
    expect(r.violation).toMatchObject({ property: 'one-primary', depth: 5 });
    expect(r.violation!.path.slice(0, 4).every((c) => c.label === 'timer n3 tick')).toBe(true);
  });

  it('timed, the correct lease passes every state within depth 16, and the model says it is timed', () => {
    const r = check({ protocol: leaseFailover, depth: 16, walks: 0, timed: true });
    expect(r.ok).toBe(true);
    expect(r.coverage).toBe('complete');
    expect(r.model).toMatch(/timers fire in due order/);
  });

  it('timed, the long lease is found after 7 timer ticks, by a path that replays to it', () => {
    const r = check({ protocol: leaseFailover, bug: 'long-lease', depth: 16, walks: 0, timed: true });
    expect(r.violation).toMatchObject({ property: 'one-primary', depth: 8, foundBy: 'search' });
    expect(ticks(r.violation!.path)).toBe(7);
    const model = new CheckModel({ protocol: leaseFailover, bug: 'long-lease', timed: true });
    const { states } = statesAlong(model, r.violation!.path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('one-primary');
  });

  it('clock skew is a choice: 100 ms lets the monitor run a tick ahead and breaks the correct lease, 50 ms does not', () => {
    expect(check({ protocol: leaseFailover, depth: 16, walks: 0, timed: true, skewMs: 100 }).violation?.property).toBe('one-primary');
    expect(check({ protocol: leaseFailover, depth: 16, walks: 0, timed: true, skewMs: 50 }).ok).toBe(true);
  });

  it("timed, a timer's lead over the clock is part of the state's hash; untimed it is not", () => {
    for (const timed of [false, true]) {
      const model = new CheckModel({ protocol: leaseFailover, timed });
      const s = model.initial().state;
      const later = { ...s, nodes: s.nodes.map((n) => ({ ...n, timers: n.timers.map((t) => ({ ...t, dueMs: t.dueMs + 50 })) })) };
      expect(model.hash(later) === model.hash(s)).toBe(!timed);
      expect(model.hash({ ...later, clockMs: later.clockMs + 50 })).toBe(model.hash(s));
    }
  });

  it('skew without the timed model, or a negative one, is refused', () => {
    expect(() => check({ protocol: leaseFailover, depth: 1, skewMs: 10 })).toThrow(/needs timed/);
    expect(() => check({ protocol: leaseFailover, depth: 1, timed: true, skewMs: -1 })).toThrow(/skewMs/);
  });
});
