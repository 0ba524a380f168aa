import { bank, lazyReplication, primaryBackup, raft, tuplespace } from '@faultline/protocols';
import { describe, expect, it } from 'vitest';
import { CheckModel } from '../../src/explore/check-model.ts';
import { check, searchShard, type CheckOptions } from '../../src/explore/check.ts';
import { checkWithShards, type ShardLink } from '../../src/explore/parallel-check.ts';
import { searchHash } from '../../src/explore/search-hash.ts';
import { UNPACED, serveShard, type FromShard } from '../../src/explore/shard-link.ts';
import { searchRoots } from '../../src/explore/warm-start.ts';
import { chainReconfig } from './fixtures/chain-reconfig.ts';
import { tokenRing } from './fixtures/token-ring.ts';
import { twoPhase } from './fixtures/two-phase.ts';

/** A shard in this thread behind a link: each message is served as it is posted, its answers queued. */
function localLink(options: CheckOptions): ShardLink {
  const model = new CheckModel(options);
  const hash = searchHash(model, options.symmetric);
  const { roots } = searchRoots(model, options.warmup, options.seed);
  const inbox: FromShard[] = [];
  const serve = serveShard((k) => searchShard(model, options, roots[k]!, hash), (m) => inbox.push(m), UNPACED);
  return {
    post: (m) => serve(structuredClone(m)),
    merged: () => undefined,
    halt: () => undefined,
    next: async () => {
      const m = inbox.shift();
      if (m === undefined) throw new Error('the shard has sent nothing');
      return structuredClone(m);
    },
  };
}

const participants = [['n2', 'n3', 'n4']];
const chain = { protocol: chainReconfig, bug: 'no-resend-on-reconfig', depth: 30, walks: 0 };

/** Each case with sleep sets on (the default) and off; `symmetric` ones with symmetry too, with and without sleep sets. */
const cases: [string, CheckOptions, { symmetric?: string[][] }?][] = [
  ['bank, depth 11', { protocol: bank, depth: 11, walks: 0 }],
  ['bank with walks (a liveness failure)', { protocol: bank, depth: 8, walks: 20 }],
  ['primary-backup, stopped by the state budget', { protocol: primaryBackup, depth: 4, maxStates: 2000, walks: 3 }],
  ['primary-backup reply-before-replicate after a warm-up (a violation)', { protocol: primaryBackup, bug: 'reply-before-replicate', faults: ['crash'], warmup: 2000, seed: '5', depth: 4 }],
  ['token ring after a warm-up: nothing fails from its end, the lost token is found from the initial state', { protocol: tokenRing, faults: ['drop'], depth: 6, warmup: 2000 }],
  ['chain-reconfig after a warm-up, correct: both searches pass', { protocol: chainReconfig, depth: 8, walks: 5, warmup: 2000 }],
  ['raft, depth 3', { protocol: raft, depth: 3, maxStates: 3000, walks: 5 }],
  ['tuplespace, depth 3', { protocol: tuplespace, depth: 3, walks: 5 }],
  ['lazy replication, 1,500 states', { protocol: lazyReplication, depth: 4, maxStates: 1500, walks: 5 }],
  ['chain-reconfig no-resend-on-reconfig (a violation after 7 timer ticks)', chain],
  ['chain-reconfig, correct, depth 8 under Ken with walks', { protocol: chainReconfig, depth: 8, walks: 10 }],
  ['two-phase commit, its whole space', { protocol: twoPhase, depth: 20, walks: 0 }, { symmetric: participants }],
  ['two-phase commit commit-on-majority (a violation)', { protocol: twoPhase, bug: 'commit-on-majority', depth: 20, walks: 0 }, { symmetric: participants }],
];

function variants(options: CheckOptions, extra: { symmetric?: string[][] } | undefined): [string, CheckOptions][] {
  const out: [string, CheckOptions][] = [
    ['sleep sets', options],
    ['no sleep sets', { ...options, sleepSets: false }],
  ];
  if (extra?.symmetric !== undefined) out.push(['symmetry and sleep sets', { ...options, symmetric: extra.symmetric }], ['symmetry, no sleep sets', { ...options, symmetric: extra.symmetric, sleepSets: false }]);
  return out;
}

describe('a search split between shards', () => {
  for (const [name, base, extra] of cases)
    for (const [variant, options] of variants(base, extra))
      it(`${name}, ${variant}: 2 and 3 shards find what one thread finds`, async () => {
        const one = check(options);
        for (const shards of [2, 3]) {
          const split = await checkWithShards(options, Array.from({ length: shards }, () => localLink(options)));
          expect(split).toEqual(one);
        }
      });

  it('directed search is not split: it throws before any shard is used', async () => {
    await expect(checkWithShards({ protocol: bank, depth: 3, directed: true }, [])).rejects.toThrow(/directed search runs on one thread/);
  });

  it('the cases reach what they are named for: violations, a liveness failure, a budget stop, an exhausted space', () => {
    const chainRun = check(chain);
    expect(chainRun.violation).toMatchObject({ foundBy: 'search' });
    expect(check({ protocol: twoPhase, bug: 'commit-on-majority', depth: 20, walks: 0, symmetric: participants }).violation?.property).toBe('agreement');
    expect(check({ protocol: twoPhase, depth: 20, walks: 0, symmetric: participants }).coverage).toBe('exhausted');
    expect(check({ protocol: primaryBackup, depth: 4, maxStates: 2000, walks: 3 }).coverage).toBe('budget');
    expect(check({ protocol: bank, depth: 8, walks: 20 }).liveness?.verdict).toBe('violated');
    const ring = check({ protocol: tokenRing, faults: ['drop'], depth: 6, warmup: 2000 });
    expect(ring).toMatchObject({ warmup: { fromInitial: true }, liveness: { verdict: 'violated', warmupSteps: 0 } });
    expect(check({ protocol: chainReconfig, depth: 8, walks: 5, warmup: 2000 })).toMatchObject({ ok: true, warmup: { fromInitial: true } });
  });
});
