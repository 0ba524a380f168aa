import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultline-check-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RELAY = '../../../simulator/test/explore/fixtures/relay-race.ts';
const RING = '../../../simulator/test/explore/fixtures/token-ring.ts';
const TWO_PHASE = '../../../simulator/test/explore/fixtures/two-phase.ts';

/** `check --workers 2` reports what one thread reports (but the wall time), and writes the same path. */
describe('faultline check --workers', () => {
  const cases: [string, string[]][] = [
    ['a safety violation in a user module', [RELAY, '--depth', '5']],
    ['a liveness failure with walks', [RING, '--depth', '4', '--walk-depth', '30']],
    ['a passing search stopped at --max-states', [RELAY, '--depth', '6', '--max-states', '40', '--walks', '5']],
    ['a violation without sleep sets', [RELAY, '--depth', '5', '--no-sleep-sets']],
    ['a liveness failure found from the initial state after a warm-up (the search goes on from there)', [RING, '--depth', '4', '--walk-depth', '30', '--faults', 'drop', '--warmup', '2000']],
    ['two-phase commit with symmetry, its whole space', [TWO_PHASE, '--depth', '20', '--walks', '0', '--symmetric', 'n2,n3,n4']],
    ['two-phase commit commit-on-majority with symmetry (a violation)', [TWO_PHASE, '--bug', 'commit-on-majority', '--depth', '20', '--walks', '0', '--symmetric', 'n2,n3,n4']],
  ];
  for (const [name, args] of cases)
    it(`${name}: 2 workers (3 too, with symmetry) give one thread's result`, async () => {
      const one = await runJson(['check', ...args, '--json', '--out', join(tmp, 'one.json')]);
      for (const workers of args.includes('--symmetric') ? [2, 3] : [2]) {
        const many = await runJson(['check', ...args, '--json', '--workers', String(workers), '--out', join(tmp, 'many.json')]);
        expect(many.code).toBe(one.code);
        const strip = (j: Record<string, unknown>) => ({ ...j, wallMs: 0, replay: typeof j.replay === 'string' ? j.replay.replace('many.json', 'one.json') : undefined });
        expect(strip(many.json)).toEqual(strip(one.json));
        if (one.code === 1) expect(readFileSync(join(tmp, 'many.json'), 'utf8')).toBe(readFileSync(join(tmp, 'one.json'), 'utf8'));
      }
    });

  it('--directed with --workers is a usage error (best first has no levels to split)', async () => {
    const bad = await run(['check', RELAY, '--depth', '2', '--directed', '--workers', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--directed searches best first on one thread; --workers splits the breadth-first search/);
  });

  it('a bad --symmetric is a usage error before any worker starts', async () => {
    const bad = await run(['check', TWO_PHASE, '--depth', '2', '--symmetric', 'n2,n7', '--workers', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--symmetric: symmetric node 'n7' is not a node of two-phase/);
  });
});
