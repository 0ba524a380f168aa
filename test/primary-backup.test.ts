/**
 * The protocol under the seeded simulator, with its default fault model. The correct
 * version must survive every seed; each seeded bug must be caught, by the property that
 * describes what it breaks. (By hand: 1,000 seeds of the correct version pass.)
 */
import { campaign, simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { primaryBackup } from '@faultline/protocols';
import type { State } from '../packages/protocols/primary-backup/index.ts';

describe('primary-backup in the simulator', () => {
  it('the correct version passes 200 seeds', () => {
    const r = campaign({ protocol: primaryBackup, seeds: 200 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(200);
  });

  // The first failing seed, at the time of writing (partitions in the fault model, one
  // Replicate in flight per member, the joiner n6 a voter once admitted):
  // reply-before-replicate 1, no-state-transfer 1, stale-primary-reads 709 (it is the
  // rarest: it needs a deposed primary that still hears a client; `faultline test
  // primary-backup --bug stale-primary-reads --seeds 2000 --fail-fast` finds it there).
  // The test scans the ten seeds up to that one, to stay quick.
  it.each([
    ['reply-before-replicate', 'no-lost-writes', 1, 100],
    ['no-state-transfer', 'converges-after-heal', 1, 10],
    ['stale-primary-reads', 'reads-see-acknowledged-writes', 700, 10],
  ])('finds the %s bug (it breaks %s) in seeds from %i, %i of them', (bug, property, firstSeed, seeds) => {
    const r = campaign({ protocol: primaryBackup, bug, firstSeed, seeds, failFast: true });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe(property);
  });
});

describe('primary-backup: late joiners are full members', () => {
  // Five founders, two joiners (each knowing only n1), then three founders crash for good:
  // only n4, n5, n6 and n7 are left. Joiners admitted to a view become voters (one per view
  // change), so the four survivors are a majority of seven voters and form views.
  const nodes = [
    ...['n1', 'n2', 'n3', 'n4', 'n5'].map((id) => ({ id })),
    { id: 'n6', joinAtMs: 1_000, contacts: ['n1'] },
    { id: 'n7', joinAtMs: 1_500, contacts: ['n1'] },
  ];
  const CRASH_MS = 4_000;
  const DURATION_MS = 12_000;

  it.each([1, 2, 3])('with 3 of 5 founders down for good, the joiners vote and lead and requests are answered (seed %i)', (seed) => {
    const r = simulate({
      protocol: primaryBackup,
      seed,
      trace: 'none',
      scenario: {
        nodes,
        faults: [],
        durationMs: DURATION_MS,
        faultPlan: ['n1', 'n2', 'n3'].map((node, i) => ({ atMs: CRASH_MS + 10 * i, kind: 'crash' as const, node })),
      },
    });
    expect(r.violation).toBeUndefined();
    // Answered while the three founders were down (the simulator restarts them when the faulty period ends).
    const late = r.history.filter((op) => op.status === 'ok' && op.invokeMs > CRASH_MS + 2_000 && op.completeMs! < DURATION_MS);
    expect(late.length).toBeGreaterThan(50);
    expect(new Set(late.map((op) => op.node))).not.toContain('n1');
    const s = r.nodes.find((n) => n.id === 'n4')!.state as State;
    expect(s.store.voters).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
  });
});

describe('primary-backup: cluster shape and timings from the scenario', () => {
  it('takes its founders from the nodes present at start, not the default five', () => {
    const nodes = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd', joinAtMs: 1_000, contacts: ['a'] }];
    const r = simulate({ protocol: primaryBackup, seed: 1, trace: 'none', scenario: { nodes, faults: [], durationMs: 3_000 } });
    expect(r.violation).toBeUndefined();
    expect(r.history.filter((op) => op.status === 'ok').length).toBeGreaterThan(10);
    for (const n of r.nodes) expect((n.state as State).configFounders).toEqual(['a', 'b', 'c']);
    // The joiner was admitted and made a voter after the founders.
    expect((r.nodes.find((n) => n.id === 'a')!.state as State).store.voters).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ticks every tickMs, and the correct version passes with slower timings', () => {
    const options = { tickMs: 300, suspectMs: 900 };
    const quiet = simulate({ protocol: primaryBackup, seed: 1, trace: 'full', scenario: { nodes: 3, options, faults: [], durationMs: 3_000 } });
    const ticks = quiet.trace!.filter((t) => t.k === 'timer' && t.node === 'n2').map((t) => t.t);
    expect(ticks.slice(0, 3)).toEqual([300, 600, 900]);
    const r = campaign({ protocol: primaryBackup, seeds: 20, scenario: { options } });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
  });

  // Why five founders are the default (index.ts), and why the shrinker checks a cut cluster against the correct version.
  it('with three founders the correct version can lose acknowledged writes to a crash cascade', () => {
    const r = simulate({ protocol: primaryBackup, seed: 12, trace: 'none', scenario: { nodes: 3, options: { tickMs: 300, suspectMs: 900 } } });
    expect(r.violation?.property).toBe('no-lost-writes');
  });

  // The quick start (`Options.quickStart`): the Joins of a start go to the first founder
  // only, which forms view 1 as soon as it has every answer, not at its first tick.
  it('under the quick start forms view 1 before the first tick, from 4(n - 1) Joins and answers', () => {
    const first = (quickStart: 0 | 1) => {
      const r = simulate({ protocol: primaryBackup, seed: 1, trace: 'full', scenario: { nodes: 3, faults: [], durationMs: 1_000, options: { tickMs: 300, suspectMs: 900, quickStart } } });
      const formed = r.trace!.findIndex((t) => t.k === 'log' && t.text.startsWith('primary of view 1 '));
      const before = r.trace!.slice(0, formed);
      const sent = (type: string) => before.filter((t) => t.k === 'send' && (t.msg as { type: string }).type === type).length;
      return { atMs: r.trace![formed]!.t, joins: sent('Join'), answers: sent('JoinStatus') };
    };
    const quick = first(1);
    expect(quick.atMs).toBeLessThan(300);
    expect([quick.joins, quick.answers]).toEqual([4, 4]);
    const usual = first(0);
    expect(usual.atMs).toBe(300);
    expect(usual.joins).toBeGreaterThanOrEqual(6);
  });

  it('the correct version passes 20 seeds under the quick start, with five founders and a joiner, and with three', () => {
    const quick = campaign({ protocol: primaryBackup, seeds: 20, scenario: { options: { quickStart: 1 } } });
    expect(quick.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    const three = campaign({ protocol: primaryBackup, seeds: 10, scenario: { nodes: 3, options: { quickStart: 1, tickMs: 300, suspectMs: 900 } } });
    expect(three.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
  });

  it('rejects timings it cannot run with', () => {
    expect(() => simulate({ protocol: primaryBackup, seed: 1, scenario: { options: { tickMs: 300, suspectMs: 300 } } })).toThrow(/suspectMs \(300\) must be more than tickMs \(300\)/);
    expect(() => simulate({ protocol: primaryBackup, seed: 1, scenario: { options: { tickMs: 0.5 } } })).toThrow(/tickMs must be an integer/);
    expect(() => simulate({ protocol: primaryBackup, seed: 1, scenario: { options: { quickStart: 2 } } })).toThrow(/quickStart must be 0 or 1/);
  });
});
