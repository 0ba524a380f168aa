import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitCommand } from '@faultline/cli';
import { simulate } from '@faultline/simulator';
import { describe, expect, it } from 'vitest';
import counter from '../../../examples/tutorial/src/counter.ts';
import { SimTestError, assertSimTest, runSimTest, userFrames } from '../src/index.ts';

const base = { protocol: counter, durationMs: 2000, replayAs: 'examples/tutorial/src/counter.ts' } as const;

describe('runSimTest', () => {
  it('passes every seed of a correct protocol', async () => {
    const r = await runSimTest({ ...base, seeds: 5 });
    expect(r).toMatchObject({ ok: true, seedsRun: 5, failure: undefined });
    expect(r.message).toBe('counter: seeds 1..5 pass');
  });

  it('fails at the first failing seed of a buggy variant, with the property, the seed and the replay command', async () => {
    const r = await runSimTest({ ...base, bug: 'gossip-once', seeds: 20, firstSeed: 3 });
    expect(r.ok).toBe(false);
    const f = r.failure!;
    expect(f.property).toBe('converged');
    expect(r.seedsRun).toBe(Number(f.seed) - 2);
    expect(f.replay).toBe(`faultline replay examples/tutorial/src/counter.ts --seed ${f.seed} --bug gossip-once --duration-ms 2000`);
    expect(r.message).toContain(`counter (bug gossip-once): seed ${f.seed} of 3..22: 'converged' violated at ${f.atMs} ms`);
    expect(r.message).toContain(f.message);
    expect(r.message).toContain(`replay: ${f.replay}`);
    // The command names the very run that failed.
    const words = splitCommand(f.replay);
    const again = simulate({ protocol: counter, seed: Number(words[4]), bug: words[6], durationMs: Number(words[8]) });
    expect(again.violation?.property).toBe('converged');
    expect(again.violation?.message).toBe(f.message);
  });

  it("with expect: 'violation', passes at the first violating seed and reports it", async () => {
    const r = await runSimTest({ ...base, bug: 'gossip-once', seeds: 20, expect: 'violation' });
    expect(r.ok).toBe(true);
    expect(r.failure?.property).toBe('converged');
    expect(r.message).toMatch(/^counter \(bug gossip-once\): caught at seed \d+: 'converged' violated/);
    const none = await runSimTest({ ...base, seeds: 3, expect: 'violation' });
    expect(none).toMatchObject({ ok: false, failure: undefined, message: 'counter: expected a violation, but seeds 1..3 all pass' });
  });

  it('runs the check on every seed and fails with its message', async () => {
    const seen: string[] = [];
    const r = await runSimTest({ ...base, seeds: 4, faults: ['partition'] }, (result) => {
      seen.push(result.seed);
      if (result.seed === '3') throw new Error('seed 3 is unlucky');
    });
    expect(seen).toEqual(['1', '2', '3']);
    expect(r.failure).toMatchObject({ seed: '3', property: 'check', message: 'seed 3 is unlucky' });
    expect(r.failure?.replay).toBe('faultline replay examples/tutorial/src/counter.ts --seed 3 --faults partition --duration-ms 2000');
    expect(r.message).toContain('seed 3 of 1..4: the check failed');
  });

  it('puts a scenario file in the replay command, and says so when the scenario was given in code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-testing-'));
    const file = join(dir, 'lossy scenario.json');
    writeFileSync(file, JSON.stringify({ network: { dropRate: 0.3 }, faults: [] }));
    const fromFile = await runSimTest({ protocol: counter, durationMs: 2000, seeds: 1, scenario: file, ken: true }, (result) => {
      expect(result.stats.messagesDropped).toBe(0); // the file's 30% loss is in force
    });
    expect(fromFile.failure?.replay).toBe(`faultline replay counter --seed 1 --duration-ms 2000 --scenario '${file}' --ken`);
    const inCode = await runSimTest({ ...base, bug: 'gossip-once', seeds: 10, scenario: { network: { dropRate: 0.3 }, faults: [] } });
    expect(inCode.failure?.replay).toMatch(/--duration-ms 2000 {2}\(the scenario was given in code: save it as JSON and add --scenario FILE\)$/);
  });
});

describe('assertSimTest failures keep what vitest needs', () => {
  it("rethrows a check's own expect failure: its diff (actual, expected) and its stack, with the seed and replay first", async () => {
    let thrown: unknown;
    try {
      await assertSimTest({ ...base, seeds: 3 }, (result) => {
        expect(result.seed).toBe('1-not');
      });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    const e = thrown as Error & { actual?: unknown; expected?: unknown };
    expect([e.actual, e.expected]).toEqual(['1', '1-not']);
    expect(e.message).toMatch(/^counter: seed 1 of 1..3: the check failed \(event \d+\)\n {2}replay: faultline replay examples\/tutorial\/src\/counter.ts --seed 1/);
    expect(e.message).toMatch(/expected '1' to be '1-not'/);
    expect(e.stack).toContain('run-sim-test.test.ts');
  });

  it('a violation is a SimTestError carrying the report', async () => {
    await expect(assertSimTest({ ...base, bug: 'gossip-once', seeds: 20 })).rejects.toBeInstanceOf(SimTestError);
  });

  it("userFrames keeps the frames outside the library: where the user's test called simTest", () => {
    const stack = ['Error', '    at register (/lib/testing/src/sim-test.ts:10:3)', '    at simTest (/lib/testing/src/sim-test.ts:40:3)', '    at /home/me/proj/test/counter.test.ts:7:1', '    at node:internal/modules/esm:1:1'].join('\n');
    expect(userFrames(stack, '/lib/testing/src')).toEqual(['    at /home/me/proj/test/counter.test.ts:7:1']);
  });
});
