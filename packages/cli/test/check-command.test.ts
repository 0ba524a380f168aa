import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';
import { simulate } from '@faultline/simulator';
import { counter } from './fixtures/counter.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultline-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RELAY = '../../../simulator/test/explore/fixtures/relay-race.ts';
const RING = '../../../simulator/test/explore/fixtures/token-ring.ts';
const LEASE = '../../../simulator/test/explore/fixtures/lease-failover.ts';
const TWO_PHASE = '../../../simulator/test/explore/fixtures/two-phase.ts';

describe('faultline check', () => {
  it('--json reports { ok, statesExplored, statesUnique, depth, violation } and writes a path that replay --choices replays', async () => {
    const out = join(tmp, 'relay.json');
    const r = await runJson(['check', RELAY, '--depth', '5', '--json', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, statesExplored: expect.any(Number), statesUnique: expect.any(Number), depth: 3 });
    expect(r.json.violation).toMatchObject({ property: 'direct-first', depth: 3 });
    expect(r.json.replay).toContain('--choices');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ faultline: 'choices', kind: 'safety', property: 'direct-first' });
    const replay = await run(['replay', RELAY, '--choices', out]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('deliver n5->n1');
    expect(replay.stdout).toMatch(/'direct-first' violated after 3 steps/);
  });

  it('prints the critical transition of a liveness failure', async () => {
    const r = await run(['check', RING, '--depth', '4', '--walk-depth', '30', '--out', join(tmp, 'ring.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/critical transition: step \d+ of \d+: drop n\d->n\d/);
    const replay = await runJson(['replay', RING, '--choices', join(tmp, 'ring.json'), '--json']);
    expect(replay.json).toMatchObject({ ok: false, violation: { property: 'every-node-served' } });
  });

  it('a passing check exits 0 and says how much it covered', async () => {
    const r = await run(['check', RELAY, '--depth', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no property violated within depth 2/);
    expect(r.stdout).toMatch(/states +\d+ explored, \d+ unique/);
  });

  it('--timed finds the long lease, records the model in the path, and replay --choices replays it timed', async () => {
    const out = join(tmp, 'lease.json');
    const r = await runJson(['check', LEASE, '--bug', 'long-lease', '--depth', '12', '--timed', '--json', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ model: expect.stringMatching(/timers fire in due order/), violation: { property: 'one-primary', depth: 8 } });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ timed: true, skewMs: 0 });
    const replay = await runJson(['replay', LEASE, '--choices', out, '--json']);
    expect(replay.json).toMatchObject({ ok: false, violation: { property: 'one-primary' } });
    expect((await run(['check', LEASE, '--depth', '12', '--timed'])).code).toBe(0);
    expect((await run(['check', LEASE, '--depth', '4', '--skew', '50'])).stderr).toMatch(/--skew needs --timed/);
  });

  it('sleep sets are on unless --no-sleep-sets; --symmetric counts a state and its images once; both are reported', async () => {
    const base = ['check', TWO_PHASE, '--depth', '20', '--walks', '0', '--json'];
    const plain = await runJson(base);
    const off = await runJson([...base, '--no-sleep-sets']);
    const sym = await runJson([...base, '--symmetric', 'n2,n3,n4']);
    expect([plain.code, off.code, sym.code]).toEqual([0, 0, 0]);
    expect(plain.json.reductions).toEqual(['sleep sets']);
    expect(off.json.reductions).toEqual([]);
    expect(sym.json.reductions).toEqual(['sleep sets', 'symmetry over n2, n3, n4']);
    expect(off.json.statesUnique).toBe(plain.json.statesUnique);
    expect(off.json.statesExplored).toBeGreaterThan(plain.json.statesExplored);
    expect(sym.json.statesUnique).toBeLessThan(plain.json.statesUnique);
    const text = await run(['check', TWO_PHASE, '--depth', '20', '--walks', '0', '--symmetric', 'n2,n3,n4']);
    expect(text.stdout).toMatch(/reduced +sleep sets; symmetry over n2, n3, n4/);
    const bad = await run(['check', TWO_PHASE, '--depth', '2', '--symmetric', 'n2,n7']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'n7' is not a node of two-phase/);
  });

  it('stopped at --max-states, it says which depth it covered', async () => {
    const r = await run(['check', LEASE, '--depth', '12', '--timed', '--max-states', '50']);
    expect(r.stdout).toMatch(/stopped at --max-states, every state within depth \d+, part of depth \d+/);
  });

  it('needs --depth; --choices goes alone', async () => {
    expect((await run(['check', RELAY])).code).toBe(2);
    expect((await run(['replay', RELAY, '--choices', 'x.json', '--seed', '1'])).code).toBe(2);
  });
});

describe('--strategy pct', () => {
  it("a failure's replay command carries the strategy and replays the same trace", async () => {
    const t = await runJson(['test', RELAY, '--strategy', 'pct', '--seeds', '20', '--fail-fast', '--json']);
    expect(t.code).toBe(1);
    const f = t.json.failures[0];
    expect(f.replay).toMatch(/--strategy pct --pct-depth 3 --pct-steps \d+/);
    const words = f.replay.split(' ').slice(1);
    const r = await runJson([...words, '--json']);
    expect(r.json.traceHash).toBe(f.traceHash);
    // It is shrunk under the same strategy, and its schedule replays under it too.
    expect(f.shrunk.replay).toMatch(/--schedule /);
    const shrunk = await runJson([...f.shrunk.replay.split(' ').slice(1), '--json']);
    expect(shrunk.code).toBe(1);
    expect(shrunk.json.events).toBe(f.shrunk.events);
  });

  it("sizes PCT's steps from passing runs when seed 1 fails early, and says the value used", async () => {
    // With its bug the counter fails within about 20 events; passing runs are about 200.
    const passing = [1, 2, 3, 4, 5].map((seed) => simulate({ protocol: counter, seed, trace: 'none' }).events);
    const typical = [...passing].sort((a, b) => a - b)[2]!;
    expect(simulate({ protocol: counter, seed: 1, bug: 'local-count', trace: 'none' }).events).toBeLessThan(typical / 4);
    const t = await runJson(['test', 'counter', '--bug', 'local-count', '--strategy', 'pct', '--seeds', '2', '--no-shrink', '--json']);
    const steps = Number(/--pct-steps (\d+)/.exec(t.json.failures[0].replay)![1]);
    expect(steps).toBe(t.json.pct.steps);
    expect(steps).toBeGreaterThanOrEqual(typical / 2);
    expect(steps).toBeLessThanOrEqual(typical * 2);
    expect(t.json.pct.stepsFrom).toMatch(/correct version/);
    const human = await run(['test', 'counter', '--bug', 'local-count', '--strategy', 'pct', '--seeds', '2', '--no-shrink']);
    expect(human.stdout).toMatch(new RegExp(`strategy +pct, depth 3, ${steps} steps \\(median events`));
  });

  it('gives the same results on worker threads', async () => {
    const one = await runJson(['test', 'counter', '--strategy', 'pct', '--seeds', '6', '--no-shrink', '--json']);
    const two = await runJson(['test', 'counter', '--strategy', 'pct', '--seeds', '6', '--no-shrink', '--json', '--workers', '2']);
    expect(two.json.events).toBe(one.json.events);
    expect(two.json.failures).toEqual(one.json.failures);
  });

  it('refuses an unknown strategy and PCT options without pct', async () => {
    expect((await run(['test', 'counter', '--strategy', 'dfs', '--seeds', '1'])).code).toBe(2);
    expect((await run(['test', 'counter', '--pct-depth', '2', '--seeds', '1'])).code).toBe(2);
  });
});
