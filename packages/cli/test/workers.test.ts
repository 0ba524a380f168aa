import { describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';

/** A `test --json` report without its wall times, the fields that may differ between runs. */
function outcome(json: Record<string, unknown>): Record<string, unknown> {
  const { wallMs, shrinkMs, ...rest } = json;
  expect(typeof wallMs).toBe('number');
  expect(typeof shrinkMs).toBe('number');
  return rest;
}

// Seeds 11, 13, 20 and 25 of 1..40 fail: a mixed campaign.
const MIXED = ['test', './counter.ts', '--faults', 'crash', '--seeds', '40', '--json'];

describe('faultline test --workers', () => {
  it('a failing campaign on 2 workers reports exactly what one thread does', async () => {
    const one = await runJson([...MIXED, '--workers', '1']);
    const two = await runJson([...MIXED, '--workers', '2']);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(one.json.failures.map((f: { seed: string }) => f.seed)).toEqual(['11', '13', '20', '25']);
    expect(outcome(two.json)).toEqual(outcome(one.json));
    expect(two.stderr).toBe('');
  });

  it('a passing campaign on 3 workers, by built-in name, too', async () => {
    const argv = ['test', 'counter', '--seeds', '30', '--first-seed', '50', '--json'];
    const one = await runJson([...argv, '--workers', '1']);
    const three = await runJson([...argv, '--workers', '3']);
    expect(three.code).toBe(0);
    expect(outcome(three.json)).toEqual(outcome(one.json));
    expect(three.json).toMatchObject({ ok: true, seedsRun: 30, firstSeed: '50', seeds: 30, failures: [] });
  });

  it('--fail-fast reports the lowest failing seed, as one thread does', async () => {
    const one = await runJson([...MIXED, '--fail-fast', '--workers', '1']);
    const two = await runJson([...MIXED, '--fail-fast', '--workers', '2']);
    expect(one.json.seedsRun).toBe(11);
    expect(one.json.failures.map((f: { seed: string }) => f.seed)).toEqual(['11']);
    expect(outcome(two.json)).toEqual(outcome(one.json));
    // From seed 12 on, the lowest failure is 13, and seed 12 (lower) passes.
    const later = await runJson(['test', './counter.ts', '--faults', 'crash', '--seeds', '20', '--first-seed', '12', '--fail-fast', '--workers', '2', '--json']);
    expect(later.json).toMatchObject({ seedsRun: 2, failures: [{ seed: '13' }] });
  });

  it('prints the same human report, and draws the progress bar from the workers', async () => {
    const one = await run(['test', './counter.ts', '--faults', 'crash', '--seeds', '30', '--workers', '1']);
    const two = await run(['test', './counter.ts', '--faults', 'crash', '--seeds', '30', '--workers', '2']);
    const withoutWall = (s: string) => s.replace(/simulated in .*/, '').replace(/(shrinking .* failures? in ).*( \()/, '$1$2');
    expect(withoutWall(two.stdout)).toBe(withoutWall(one.stdout));
    let clock = 0;
    const tty = await run(['test', 'counter', '--seeds', '40', '--workers', '2'], { isTTY: true, now: () => (clock += 7) });
    expect(tty.code).toBe(0);
    const frames = tty.stderr.replace(/\x1b\[\d+m/g, '').split('\r\x1b[2K').filter((s) => s !== '');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[frames.length - 1]).toMatch(/40\/40 seeds .*0 failures .*done/);
  });

  it('a worker that dies is one error line and exit 3, not a hang', async () => {
    const r = await run(['test', './exits-in-worker.ts', '--seeds', '6', '--workers', '2']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('faultline: unexpected error: a campaign worker exited unexpectedly (exit code 7)');
    // The same protocol runs fine on one thread.
    expect((await run(['test', './exits-in-worker.ts', '--seeds', '6', '--workers', '1'])).code).toBe(0);
  });

  it('a protocol that fails to load on a worker is one error line and exit 3', async () => {
    const r = await run(['test', './throws-in-worker.ts', '--seeds', '6', '--workers', '2']);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^faultline: unexpected error: a campaign worker could not set the run up: cannot load protocol module \.\/throws-in-worker\.ts: this module refuses to load on a worker thread$/,
    );
  });

  it('bad --workers values are one usage line', async () => {
    for (const [value, message] of [
      ['0', "faultline test: --workers must be an integer >= 1, not '0'\n"],
      ['two', "faultline test: --workers must be an integer >= 1, not 'two'\n"],
      ['1.5', "faultline test: --workers must be an integer >= 1, not '1.5'\n"],
    ] as const) {
      const r = await run(['test', 'counter', '--workers', value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
    }
  });
});
