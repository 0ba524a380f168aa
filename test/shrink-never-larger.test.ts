import { describe, expect, it } from 'vitest';
import { scheduleOptions, shrink, simulate } from '@faultline/simulator';
import { protocols } from '@faultline/protocols';

const gc = protocols.find((p) => p.name === 'group-communication')!;
const bug = 'sequencer-skips-safe-check';

describe('shrinking never reports a bigger run', () => {
  it('on failures whose explicit fault plan replays longer than the original (group-communication seed 1 grew 200 -> 243)', () => {
    for (const seed of [1, 3, 4, 10]) {
      const r = simulate({ protocol: gc, seed, bug, trace: 'none' });
      expect(r.violation).toBeDefined();
      // A run budget bounds the test's time (raiseValues tries up to four values per choice); the claims hold at any budget.
      const s = shrink({ protocol: gc, seed, bug }, r.violation!, { maxRuns: 800 });
      expect(s.original.events).toBe(r.events);
      expect(s.shrunk.events).toBeLessThanOrEqual(s.original.events);
      expect(s.violation.property).toBe(r.violation!.property);
      // The run reported (the original, when nothing smaller failed) replays from its schedule.
      const replayed = simulate({ ...scheduleOptions(gc, s.schedule), trace: 'hash' });
      expect(replayed.traceHash).toBe(s.traceHash);
      expect(replayed.violation?.property).toBe(r.violation!.property);
    }
  });
});
