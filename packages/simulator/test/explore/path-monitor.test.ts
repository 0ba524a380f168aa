import { bank } from '@faultline/protocols';
import { always, alwaysWithMemory, type History, type Property, type SystemView } from '@faultline/runtime';
import { describe, expect, it } from 'vitest';
import { CheckModel, PathMonitor, check, type CheckOptions, type ModelState } from '../../src/index.ts';

/** Bank's search with `extra` as its only `always` property (bank's eventually-properties kept). */
const withProperty = (extra: Property, o: Partial<CheckOptions> = {}) =>
  check({ protocol: { ...bank, properties: [...bank.properties.filter((p) => p.kind !== 'always'), extra] }, depth: 5, walks: 0, sleepSets: false, ...o });

/** Every distinct bank total of node n1 this path showed the property, kept per history array (a run's memory, as a property may keep it). */
function n1TotalsSeen(): { seen: WeakMap<History, Set<number>>; record(v: SystemView): Set<number> } {
  const seen = new WeakMap<History, Set<number>>();
  return {
    seen,
    record(v) {
      const n1 = v.nodes.find((n) => n.id === 'n1')?.state as { balances: Record<string, number> } | undefined;
      let totals = seen.get(v.history);
      if (totals === undefined) seen.set(v.history, (totals = new Set()));
      if (n1 !== undefined) totals.add(Object.values(n1.balances).reduce((a, b) => a + b, 0));
      return totals;
    },
  };
}

describe('path monitor: properties with and without memory', () => {
  it('a property with memory (keyed on the history) is still shown its whole path: it finds what only memory shows', () => {
    const memory = n1TotalsSeen();
    // Fails once n1 has had two different totals along one path: only a property shown the path's earlier states can know.
    const r = withProperty(always('n1-total-never-changed', 'n1 keeps one total along a path', (v) => memory.record(v).size <= 1));
    expect(r.violation?.property).toBe('n1-total-never-changed');
  });

  it('declared memoryless, the same property is checked on the new state alone (so it never sees two totals)', () => {
    const memory = n1TotalsSeen();
    const r = withProperty(always('n1-total-never-changed', 'n1 keeps one total along a path', (v) => memory.record(v).size <= 1, { memoryless: true }));
    expect(r.ok).toBe(true);
  });

  it('a property that reads the history only in some states is shown every state of its path from then on', () => {
    // From step 2 on, it remembers the steps it saw per history array, and fails when it is shown step k > 2 without step k - 1 before it.
    const steps = new WeakMap<History, Set<number>>();
    const reads = always('steps-in-order', 'every step from the second on was shown before the next', (v) => {
      if (v.nowMs < 2) return true;
      let mine = steps.get(v.history);
      if (mine === undefined) steps.set(v.history, (mine = new Set()));
      mine.add(v.nowMs);
      return v.nowMs === 2 || mine.has(v.nowMs - 1) || `step ${v.nowMs} without step ${v.nowMs - 1}`;
    });
    const r = withProperty(reads);
    expect(r.violation).toBeUndefined();
    expect(r.statesUnique).toBe(withProperty(always('none', 'nothing', () => true)).statesUnique);
  });

  it('a property that never reads the history, or declares itself memoryless, is checked once per new state; one that reads it, along the path', () => {
    const counting = (readsHistory: boolean, memoryless: boolean) => {
      let calls = 0;
      const p = always('count', 'counts its checks', (v) => (calls++, readsHistory ? v.history.length >= 0 : true), { memoryless });
      const r = withProperty(p);
      return { calls, unique: r.statesUnique };
    };
    const plain = counting(false, false);
    expect(plain.calls).toBe(plain.unique);
    const declared = counting(true, true);
    expect(declared.calls).toBe(declared.unique);
    const replayed = counting(true, false);
    expect(replayed.unique).toBe(plain.unique);
    expect(replayed.calls).toBeGreaterThan(3 * replayed.unique);
  });

  it('a property whose memory is a monitor finds what only memory shows, shown each new state once, and a path monitor replays its memory along a path', () => {
    let calls = 0;
    const total = (v: SystemView): number | undefined => {
      const n1 = v.nodes.find((n) => n.id === 'n1')?.state as { balances: Record<string, number> } | undefined;
      return n1 === undefined ? undefined : Object.values(n1.balances).reduce((a, b) => a + b, 0);
    };
    // The same memory as above, explicit: the totals n1 has had along the path.
    const monitored = alwaysWithMemory<unknown, unknown, unknown, readonly number[]>('n1-total-never-changed', 'n1 keeps one total along a path', {
      initial: [],
      next: (seen, v) => {
        calls++;
        const t = total(v);
        const now = t === undefined || seen.includes(t) ? seen : [...seen, t];
        return { memory: now, result: now.length <= 1 };
      },
    });
    const memory = n1TotalsSeen();
    const byHistory = withProperty(always('n1-total-never-changed', 'n1 keeps one total along a path', (v) => memory.record(v).size <= 1));
    calls = 0;
    const r = withProperty(monitored);
    expect(r).toEqual(byHistory);
    // Once per new state, no replay of paths (the first state twice: when the search enters it, and when its memory is first needed), against more than 3 per state replayed.
    expect(calls).toBeLessThanOrEqual(r.statesUnique + 2);

    // Along the violating path, a monitor made from the path's states alone (its memory replayed) gives the same verdict on the last one.
    const model = new CheckModel({ protocol: { ...bank, properties: [monitored] } });
    const states: ModelState[] = [model.initial().state];
    for (const c of r.violation!.path) states.push(model.apply(states.at(-1)!, model.actions(states.at(-1)!)[c.i]!).state);
    const along = PathMonitor.along(model, states.slice(0, -1));
    expect(along.check(states.at(-1)!, model.always, 'running')?.property).toBe('n1-total-never-changed');
    expect(PathMonitor.along(model, []).check(states.at(-1)!, model.always, 'running')).toBeUndefined();
  });
});
