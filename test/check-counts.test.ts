import { bank, lazyReplication, primaryBackup, raft, tuplespace } from '@faultline/protocols';
import type { Property } from '@faultline/runtime';
import { check, type CheckOptions } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';

/**
 * The checker's search, pinned: states explored and unique, depth, coverage and the first
 * violation (its property, length, last step and critical transition) on library
 * protocols, as the checker found them before its hashing was made incremental (main at
 * 73d7284, where a state's hash was a hash of its canonical JSON text). A faster hash or
 * step must find the same states in the same order: any change here changes what `check`
 * reports.
 */
const cases: [string, CheckOptions, unknown][] = [
  ['bank, depth 11', { protocol: bank, depth: 11, walks: 0, sleepSets: false }, { ex: 1176, un: 412, d: 11, cov: 'complete', ok: true }],
  [
    'bank, depth 8 with walks (liveness)',
    { protocol: bank, depth: 8, sleepSets: false },
    { ex: 345, un: 153, d: 8, cov: 'complete', ok: false, failedWalks: 62, p: 'transfers-exactly-once', last: 'respond c2:1 n1->c2 {"transfer":"c2:1","type":"transferred"}', crit: 'request c1:1 c1->n3 {"amount":13,"from":"n3/a1","to":"n3/a2","type":"transfer"}' },
  ],
  ['primary-backup, 3,000 states', { protocol: primaryBackup, depth: 4, maxStates: 3000, walks: 0, sleepSets: false }, { ex: 5735, un: 3000, d: 3, cov: 'budget', ok: true }],
  [
    'primary-backup reply-before-replicate after a warm-up',
    { protocol: primaryBackup, bug: 'reply-before-replicate', faults: ['crash'], warmup: 2000, seed: '5', depth: 4, sleepSets: false },
    { ex: 996, un: 525, d: 4, cov: 'complete', ok: false, failedWalks: 0, p: 'no-lost-writes', last: 'crash n1' },
  ],
  ['raft, depth 3', { protocol: raft, depth: 3, maxStates: 3000, walks: 5, sleepSets: false }, { ex: 906, un: 470, d: 3, cov: 'complete', ok: true }],
  ['tuplespace, depth 4', { protocol: tuplespace, depth: 4, maxStates: 3000, walks: 5, sleepSets: false }, { ex: 4855, un: 1743, d: 4, cov: 'complete', ok: true }],
  ['lazy replication, 3,000 states', { protocol: lazyReplication, depth: 4, maxStates: 3000, walks: 5, sleepSets: false }, { ex: 3710, un: 3000, d: 4, cov: 'budget', ok: true }],
];

describe('the checker finds what it found before', () => {
  for (const [name, options, expected] of cases)
    it(name, () => {
      const r = check(options);
      const v = r.violation ?? r.liveness;
      const got = { ex: r.statesExplored, un: r.statesUnique, d: r.depth, cov: r.coverage, ok: r.ok };
      const failure = v && { failedWalks: r.walks.failed, p: v.property, last: v.path.at(-1)?.label, ...(r.liveness?.critical.found ? { crit: r.liveness.critical.label } : {}) };
      expect({ ...got, ...failure }).toEqual(expected);
    });
});

/**
 * Sleep sets are on by default: the same cases visit the same states in the same order and
 * report the same result, but take fewer steps (statesExplored), pinned here as measured
 * when they were made the default.
 */
const exploredWithSleepSets: Record<string, number> = {
  'bank, depth 11': 1110,
  'bank, depth 8 with walks (liveness)': 321,
  'primary-backup, 3,000 states': 3569,
  'primary-backup reply-before-replicate after a warm-up': 993,
  'raft, depth 3': 527,
  'tuplespace, depth 4': 4190,
  'lazy replication, 3,000 states': 3638,
};

describe('with the default sleep sets, the same result in fewer steps', () => {
  for (const [name, options] of cases)
    it(name, () => {
      const off = check(options);
      const on = check({ ...options, sleepSets: true });
      expect(on.statesExplored).toBe(exploredWithSleepSets[name]);
      expect({ ...on, statesExplored: off.statesExplored }).toEqual(off);
    });
});

/**
 * Properties that read no history (or declare themselves memoryless) are checked on each
 * new state alone, not shown its whole path again (see path-monitor.ts). The same cases
 * with every property made to read the history first, so that every one is shown its
 * path as before that change, give the same whole result: counts, first violation (its
 * message and path), walks and liveness.
 */
describe('checking memoryless properties on the new state alone changes no result', () => {
  const replayed = (p: Property): Property => ({ name: p.name, kind: p.kind, description: p.description, check: (v) => (void v.history, p.check(v)) });
  for (const [name, options] of cases)
    it(name, () => {
      const before = check({ ...options, protocol: { ...options.protocol, properties: options.protocol.properties.map(replayed) } });
      expect(check(options)).toEqual(before);
    });
});
