import { describe, expect, it } from 'vitest';
import { CheckModel, check, statesAlong } from '../../src/index.ts';
import { chainReconfig } from './fixtures/chain-reconfig.ts';
import { tokenRing } from './fixtures/token-ring.ts';

/**
 * Issue 17: "after `--warmup 2000` a liveness bug that is found from the initial state is
 * no longer found". The warm-up runs until the eventually-properties hold; when they say
 * the protocol's work is done (the token went round three times, the tail has every
 * write), the warm-up's end is a state from which no fault can matter, and a search from
 * there alone finds nothing. The search then goes on from the initial state.
 */
describe('check after a warm-up that ends where the bug is out of reach', () => {
  it("the token ring's lost token is found with --warmup as without, from the initial state, with its critical transition", () => {
    const without = check({ protocol: tokenRing, faults: ['drop'], depth: 6 });
    expect(without.liveness?.verdict).toBe('violated');
    const r = check({ protocol: tokenRing, faults: ['drop'], depth: 6, warmup: 2000 });
    expect(r.warmup).toMatchObject({ reached: true, fromInitial: true });
    expect(r.warmup!.steps).toBeGreaterThan(0);
    expect(r.ok).toBe(false);
    expect(r.liveness).toMatchObject({ property: 'every-node-served', verdict: 'violated', warmupSteps: 0 });
    expect(r.liveness!.critical).toMatchObject({ found: true, label: expect.stringMatching(/^drop /) });
    // Its path starts at the initial state: it replays from there.
    expect(() => statesAlong(new CheckModel({ protocol: tokenRing, faults: ['drop'] }), r.liveness!.path)).not.toThrow();
  });

  it("chain-reconfig's safety bug, past the warm-up's end (every write made and acked), is found from the initial state, by a path that replays to it", () => {
    const bug = 'no-resend-on-reconfig';
    const r = check({ protocol: chainReconfig, bug, depth: 10, walks: 0, warmup: 2000 });
    expect(r.warmup?.fromInitial).toBe(true);
    expect(r.violation).toMatchObject({ property: 'chain-prefix', foundBy: 'search', warmupSteps: 0 });
    const model = new CheckModel({ protocol: chainReconfig, bug });
    const { states } = statesAlong(model, r.violation!.path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('chain-prefix');
    // The counts are both searches': more unique states than the search from the initial state alone.
    expect(r.statesUnique).toBeGreaterThan(check({ protocol: chainReconfig, bug, depth: 10, walks: 0 }).statesUnique);
  });

  it('a correct protocol passes both searches', () => {
    const r = check({ protocol: tokenRing, faults: [], depth: 6, warmup: 2000, walkDepth: 30 });
    expect(r).toMatchObject({ ok: true, warmup: { fromInitial: true }, violation: undefined });
  });

  it('does not go on from the initial state when the budget is used up after the warm-up (its coverage says so)', () => {
    const r = check({ protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: 12, walks: 0, warmup: 2000, maxStates: 500 });
    expect(r).toMatchObject({ ok: true, coverage: 'budget', statesUnique: 500, warmup: { fromInitial: false } });
  });
});
