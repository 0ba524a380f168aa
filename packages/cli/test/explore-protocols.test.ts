import { describe, expect, it } from 'vitest';
import { bank, primaryBackup } from '@faultline/protocols';
import { CheckModel, check, statesAlong } from '@faultline/simulator';

/** faultline check on the library's protocols (the simulator's own tests use fixtures only). */
describe('check on the library protocols', () => {
  it('the bank without Ken applies a retried transfer twice (a real bug), with its critical transition', () => {
    const r = check({ protocol: bank, depth: 8, walks: 40 });
    expect(r.liveness).toMatchObject({ property: 'transfers-exactly-once', verdict: 'violated' });
    const ct = r.liveness!.critical;
    expect(ct.found && ct.label).toMatch(/^request c\d:1 /);
    expect(r.liveness!.path.some((c) => c.label.startsWith('retry'))).toBe(true);
  });

  // Seed 5: its warm-up ends in an active view (seed 2's, since joiners vote, ends with two Acks pending, 5 steps from the bug).
  const PB = { protocol: primaryBackup, faults: ['crash'], warmup: 2_000, seed: '5', walks: 0 } as const;

  it("finds primary-backup's reply-before-replicate 4 steps after a warm-up: a put acknowledged, then the primary crashes", () => {
    const r = check({ ...PB, bug: 'reply-before-replicate', depth: 4 });
    expect(r.warmup?.reached).toBe(true);
    expect(r.violation).toMatchObject({ property: 'no-lost-writes', depth: 4, foundBy: 'search' });
    const path = r.violation!.path;
    expect(path.length).toBe(r.warmup!.steps + 4);
    expect(path.at(-1)!.label).toMatch(/^crash n\d$/);
    const model = new CheckModel({ ...PB, bug: 'reply-before-replicate' });
    const { states } = statesAlong(model, path);
    expect(model.failing(states.at(-1)!, model.always, 'running')?.property).toBe('no-lost-writes');
  });

  it('the correct primary-backup passes the same search', () => {
    const r = check({ ...PB, depth: 3 });
    expect(r.ok).toBe(true);
    expect(r.coverage).toBe('complete');
  });
});
