/**
 * The tuplespace under the seeded simulator, with its default fault model (everything but
 * disk faults, with Ken). By hand, with the CLI: see the protocol's report for 2,000 seeds.
 */
import { campaign } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import { answersMatch, groupsOf, hash, initialDirectory, keyOf, matches, NAMES, ownerOf, tuplespace } from '../packages/protocols/tuplespace/index.ts';

describe('tuplespace pieces', () => {
  it('templates match exact fields and wildcards, and only tuples of their length', () => {
    expect(matches(['job', null], ['job', 3])).toBe(true);
    expect(matches(['job', 3], ['job', 3])).toBe(true);
    expect(matches(['job', 2], ['job', 3])).toBe(false);
    expect(matches(['task', null], ['job', 3])).toBe(false);
    expect(matches(['job', null], ['job', 3, 4])).toBe(false);
  });

  it('the hash is fixed (the same everywhere) and the workload uses both partitions', () => {
    // FNV-1a then murmur3's 32-bit finalizer, computed independently of the code under test:
    // a change to the hash moves tuples between partitions, so it must show up here.
    expect([hash(''), hash('job'), hash('done')]).toEqual([0xab3e7c0b, 0xc851c10e, 0x67f4844f]);
    const dir = initialDirectory(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect(new Set(NAMES.map((n) => ownerOf(dir, keyOf(n))))).toEqual(new Set(['0', '1'])); // two names in each half of the key space
  });

  it('the cluster is cut in order into groups of three', () => {
    expect(groupsOf(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'])).toEqual([
      ['n1', 'n2', 'n3'],
      ['n4', 'n5', 'n6'],
    ]);
    expect(groupsOf(['n1', 'n2'])).toEqual([['n1', 'n2']]);
  });
});

describe('tuplespace in the simulator', () => {
  it('the correct version passes 40 seeds under every fault it claims to tolerate', () => {
    const r = campaign({ protocol: tuplespace, seeds: 40 });
    expect(r.failures.map((f) => `seed ${f.seed}: ${f.property}: ${f.message}`)).toEqual([]);
    expect(r.seedsRun).toBe(40);
  }, 300_000); // about 8 s of CPU (eight nodes, two of them joining), slower on a loaded machine

  it('finds in-without-global-order (two takers of one tuple) scanning seeds 1 to 10', () => {
    // Scanned, not picked: every seed of the range runs; when this was written, 9 of the 10
    // failed, most of them on no-double-take.
    const r = campaign({ protocol: tuplespace, bug: 'in-without-global-order', seeds: 10 });
    expect(r.failures.length).toBeGreaterThan(0);
    expect(r.failures.map((f) => f.property)).toContain('no-double-take');
  });
});

describe('tuplespace answers-match', () => {
  const op = (id: string, req: unknown, result?: unknown) => ({ id, client: 'c1', req, invokeMs: 0, completeMs: 1, status: 'ok' as const, result, attempts: 1 });
  const check = (history: unknown[]) => answersMatch.check({ nodes: [], history, phase: 'running', now: 1 } as never);

  it('holds when every returned tuple matches its template and is what its out wrote', () => {
    expect(check([op('c1:1', { type: 'out', tuple: ['job', 1] }, { type: 'written', id: 'c1:1' }), op('c1:2', { type: 'in', template: ['job', null] }, { type: 'tuple', id: 'c1:1', tuple: ['job', 1] })])).toBe(true);
  });

  it('fails on an answer that does not match its template (a matcher that skips the first field)', () => {
    const r = check([op('c1:2', { type: 'rd', template: ['job', null] }, { type: 'tuple', id: 'c9:1', tuple: ['log', 1] })]);
    expect(r).toMatch(/c1:2 \(rd \["job",null\]\) got tuple c9:1 \["log",1\], which does not match its template/);
  });

  it('fails on an answer whose fields differ from what its out wrote', () => {
    const r = check([op('c1:1', { type: 'out', tuple: ['job', 1] }, { type: 'written', id: 'c1:1' }), op('c1:2', { type: 'inp', template: ['job', null] }, { type: 'tuple', id: 'c1:1', tuple: ['job', 2] })]);
    expect(r).toMatch(/but its out wrote \["job",1\]/);
  });
});
