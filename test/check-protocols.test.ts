import { epidemicCollection, raft } from '@faultline/protocols';
import { check } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';

/**
 * `faultline check` on a library protocol whose properties remember what they saw earlier
 * in the run (raft's observer remembers every leader of every term). Each path of the
 * search must be its own run: before PathMonitor, a leader seen on one branch was
 * remembered on its siblings, and the correct Raft "violated" election-safety
 * (n1 and n2 both leader of term 1, on a path where only n2 ever led).
 */
describe('faultline check on protocols with memory', () => {
  it('the correct raft passes a depth-5 search without faults', () => {
    const r = check({ protocol: raft, depth: 5, faults: [], walks: 0 });
    expect(r.violation).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.statesUnique).toBeGreaterThan(100);
  });

  it('the correct epidemic collection passes a search with crashes, walks included (a walk starts from a state its properties have seen)', () => {
    // Before, a walk's first state was shown only to the eventually-properties: a replica's
    // crash there went unseen by no-resurrection, which then took the empty restarted
    // replica for the old one that had lost an element.
    const r = check({ protocol: epidemicCollection, depth: 8, maxStates: 2_000, walks: 20, walksPerPrefix: 5, warmup: 2_000, seed: '2', faults: ['crash'] });
    expect(r.violation).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.walks.run).toBe(20);
  });
});
