import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-merge-'));
let files = 0;

/** Writes `json` to a new file and returns its path. */
function save(json: unknown, name = `r${++files}.json`): string {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

function withoutWall(json: Record<string, unknown>): Record<string, unknown> {
  const { wallMs: _, shrinkMs: __, ...rest } = json;
  return rest;
}

// Seeds 11, 13, 20 and 25 of 1..40 fail.
const CAMPAIGN = ['test', './counter.ts', '--faults', 'crash', '--seeds', '40', '--json'];

async function shards(n: number, extra: string[] = []): Promise<any[]> {
  const out = [];
  for (let i = 1; i <= n; i++) out.push((await runJson([...CAMPAIGN, ...extra, '--shard', `${i}/${n}`])).json);
  return out;
}

describe('faultline test --shard', () => {
  it('runs one contiguous slice and records the shard and the range it ran', async () => {
    const [a, b, c] = await shards(3);
    expect(a).toMatchObject({ firstSeed: '1', seeds: 13, seedsRun: 13, shard: { index: 1, count: 3, firstSeed: '1', seeds: 40, failFast: false } });
    expect(b).toMatchObject({ firstSeed: '14', seeds: 13, seedsRun: 13, shard: { index: 2, count: 3 } });
    expect(c).toMatchObject({ firstSeed: '27', seeds: 14, seedsRun: 14, shard: { index: 3, count: 3 } });
    expect([a, b, c].map((r) => r.failures.map((f: { seed: string }) => f.seed))).toEqual([['11', '13'], ['20', '25'], []]);
  });

  it('the human report names the shard', async () => {
    const r = await run(['test', 'counter', '--seeds', '10', '--shard', '2/2']);
    expect(r.stdout).toMatch(/seeds +5 \(6\.\.10\), shard 2\/2/);
  });

  it('bad --shard values are one usage line', async () => {
    for (const [argv, message] of [
      [['--shard', '0/3'], "faultline test: --shard must be i/n with 1 <= i <= n (e.g. 2/4), not '0/3'"],
      [['--shard', '4/3'], "faultline test: --shard must be i/n with 1 <= i <= n (e.g. 2/4), not '4/3'"],
      [['--shard', '3'], "faultline test: --shard must be i/n with 1 <= i <= n (e.g. 2/4), not '3'"],
      [['--shard', 'a/b'], "faultline test: --shard must be i/n with 1 <= i <= n (e.g. 2/4), not 'a/b'"],
      [['--shard', '1/5', '--seeds', '3'], 'faultline test: --shard 1/5 splits 3 seeds into more shards than seeds'],
      [['--shard', '1/2', '--seed', '4'], 'faultline test: --seed runs one seed; it cannot be sharded'],
    ] as const) {
      const r = await run(['test', 'counter', ...argv]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`${message}\n`);
    }
  });
});

describe('faultline merge', () => {
  it('merges shards back into the single run, in any order, whatever their workers', async () => {
    const whole = await runJson(CAMPAIGN);
    const [a, b, c] = await shards(3);
    const two = (await runJson([...CAMPAIGN, '--shard', '2/3', '--workers', '2'])).json;
    expect(withoutWall(two)).toEqual(withoutWall(b));
    const merged = await runJson(['merge', save(c), save(a), save(two)]);
    expect(merged.code).toBe(1);
    expect(withoutWall(merged.json)).toEqual(withoutWall(whole.json));
    expect(merged.json.wallMs).toBe(a.wallMs + two.wallMs + c.wallMs);
  });

  it('merges fail-fast shards into the fail-fast single run', async () => {
    const whole = await runJson([...CAMPAIGN, '--fail-fast']);
    const parts = await shards(4, ['--fail-fast']);
    const merged = await runJson(['merge', ...parts.map((p) => save(p))]);
    expect(merged.code).toBe(1);
    expect(withoutWall(merged.json)).toEqual(withoutWall(whole.json));
    expect(merged.json).toMatchObject({ seedsRun: 11, failures: [{ seed: '11' }] });
  });

  it('a passing campaign merges to exit 0', async () => {
    const argv = ['test', 'counter', '--seeds', '9', '--first-seed', '-3', '--json'];
    const whole = await runJson(argv);
    const a = (await runJson([...argv, '--shard', '1/2'])).json;
    const b = (await runJson([...argv, '--shard', '2/2'])).json;
    const merged = await runJson(['merge', save(a), save(b)]);
    expect(merged.code).toBe(0);
    expect(withoutWall(merged.json)).toEqual(withoutWall(whole.json));
  });

  it('rejects overlapping, missing, mismatched and malformed inputs with one line', async () => {
    const [a, b] = await shards(2);
    const [a3] = await shards(3);
    const otherBug = (await runJson(['test', './counter.ts', '--bug', 'local-count', '--faults', 'crash', '--seeds', '40', '--shard', '2/2', '--json'])).json;
    const otherRange = (await runJson([...CAMPAIGN, '--first-seed', '2', '--shard', '2/2'])).json;
    const plain = (await runJson(['test', 'counter', '--seeds', '3', '--json'])).json;
    const [pa, pb, pa3, pOther, pRange, pPlain] = [save(a), save(b), save(a3), save(otherBug), save(otherRange), save(plain)];
    const moved = save({ ...b, firstSeed: '22' });
    const cases: [string[], RegExp][] = [
      [[pa, pa, pb], /^faultline merge: .*r\d+\.json and .*r\d+\.json are both shard 1\/2: their seeds overlap$/],
      [[pa], /^faultline merge: missing shard 2\/2 of seeds 1\.\.40$/],
      [[pa, pa3], /is not a shard of the same campaign as .*: shard count 3 vs 2$/],
      [[pa, pOther], /is not a shard of the same campaign as .*: bug "local-count" vs null$/],
      [[pa, pRange], /is not a shard of the same campaign as .*: seed range "2\.\.41" vs "1\.\.40"$/],
      [[pa, moved], /says it is shard 2\/2 of seeds 1\.\.40 but ran 22\.\.41, not 21\.\.40$/],
      [[pa, pPlain], /is not the output of 'faultline test --shard i\/n --json': no 'shard' \(it was run without --shard\)$/],
      [[pa, save('{"ok": tru')], /is not JSON: /],
      [[pa, save([1, 2])], /: not a JSON object$/],
      [[pa, join(dir, 'absent.json')], /^faultline merge: cannot read .*absent\.json: no such file$/],
      [[], /^faultline merge: missing <file>; see 'faultline merge --help'$/],
    ];
    for (const [files, message] of cases) {
      const r = await run(['merge', ...files]);
      expect(r.code, files.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.endsWith('\n') && r.stderr.split('\n').length).toBe(2);
      expect(r.stderr.trimEnd()).toMatch(message);
    }
  });

  it('has help, and is listed in the top-level help', async () => {
    const help = await run(['merge', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: faultline merge <file>\.\.\./);
    expect((await run(['--help'])).stdout).toMatch(/merge +combine the --json outputs/);
    expect((await run(['test', '--help'])).stdout).toMatch(/--workers N[\s\S]*--shard i\/n/);
  });
});
