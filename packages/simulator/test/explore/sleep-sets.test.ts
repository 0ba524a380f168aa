import { bank, primaryBackup, raft, tuplespace } from '@faultline/protocols';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckModel, check, type CheckOptions } from '../../src/index.ts';
import { SleepSets } from '../../src/explore/sleep-sets.ts';
import { chainReconfig } from './fixtures/chain-reconfig.ts';
import { clockStamps } from './fixtures/clock-stamps.ts';
import { leaseFailover } from './fixtures/lease-failover.ts';

/** The distinct state hashes the search computed, in the order they first appeared. */
function statesSeen(o: CheckOptions): { hashes: string[]; result: ReturnType<typeof check> } {
  const seen = new Set<string>();
  // The search keys its visited store by `hashLanes` (64 bits, no text); `hash` is its text form.
  const hashLanes = CheckModel.prototype.hashLanes;
  vi.spyOn(CheckModel.prototype, 'hashLanes').mockImplementation(function (this: CheckModel, s, out) {
    const h = hashLanes.call(this, s, out);
    seen.add(`${h[0]}:${h[1]}`);
    return h;
  });
  const result = check(o);
  vi.restoreAllMocks();
  // Every unique state was hashed: a spy on a method the search no longer calls would see none.
  expect(seen.size).toBeGreaterThanOrEqual(result.statesUnique);
  return { hashes: [...seen], result };
}

afterEach(() => vi.restoreAllMocks());

/** A protocol, and whether sleep sets save steps on it. */
const cases: [string, CheckOptions, boolean][] = [
  ['chain-reconfig, its bug', { protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: 10, walks: 0 }, true],
  ['lease-failover timed, its bug', { protocol: leaseFailover, bug: 'long-lease', depth: 16, walks: 0, timed: true }, true],
  ['lease-failover timed with skew', { protocol: leaseFailover, depth: 12, walks: 0, timed: true, skewMs: 100 }, true],
  ['bank, depth 9', { protocol: bank, depth: 9, walks: 0 }, true],
  ['primary-backup (reads the clock), 2,000 states', { protocol: primaryBackup, depth: 4, maxStates: 2000, walks: 0 }, true],
  ['raft, depth 3', { protocol: raft, depth: 3, walks: 0 }, true],
  ['tuplespace, depth 3', { protocol: tuplespace, depth: 3, walks: 0 }, true],
  ['clock-stamps', { protocol: clockStamps, depth: 4, walks: 0 }, false],
];

describe('partial-order reduction by sleep sets', () => {
  for (const [name, o, fewer] of cases)
    it(`${name}: the same states in the same order and the same verdict${fewer ? ', fewer steps taken' : ''}`, () => {
      const off = statesSeen({ ...o, sleepSets: false });
      const on = statesSeen(o);
      expect(on.hashes).toEqual(off.hashes);
      const { statesExplored: _a, ...offRest } = off.result;
      const { statesExplored: _b, ...onRest } = on.result;
      expect(onRest).toEqual(offRest);
      if (fewer) expect(on.result.statesExplored).toBeLessThan(off.result.statesExplored);
      else expect(on.result.statesExplored).toBe(off.result.statesExplored);
    });

  it('a delivery whose handler reads the clock is not independent of another step: the order that shows the bug is tried', () => {
    const r = check({ protocol: clockStamps, depth: 4, walks: 0 });
    expect(r.violation?.property).toBe('n2-not-after-n3');
    expect(r.violation!.path.map((c) => c.label.split(' {')[0])).toEqual(['deliver n1->n3', 'deliver n1->n2']);
  });

  it('independence: different nodes commute unless the clock is read; the same node, a shared link or a reply to a client never do', () => {
    const model = new CheckModel({ protocol: clockStamps });
    const por = new SleepSets(model);
    const s = model.initial().state;
    const [toN2, toN3] = model.actions(s);
    expect([toN2, toN3].map((a) => model.label(s, a!).split(' {')[0])).toEqual(['deliver n1->n2', 'deliver n1->n3']);
    const quiet = [por.describe(s, toN2!, false), por.describe(s, toN3!, false)] as const;
    expect(por.independent(s, ...quiet)).toBe(true);
    expect(por.independent(s, por.describe(s, toN2!, true), quiet[1])).toBe(false);
    expect(por.independent(s, quiet[0], quiet[0])).toBe(false);
    const reply = { ...quiet[1], global: true };
    expect(por.independent(s, quiet[0], reply)).toBe(false);
  });
});
