import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { causalSlice, type TraceRecord } from '@faultline/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';
import { pageData } from './viz/page-data.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultline-slice-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BAD = ['counter', '--seed', '3', '--bug', 'local-count'];
const readTrace = (file: string): TraceRecord[] =>
  readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceRecord);

/** The numbers of a story's steps, in order. */
const stepNumbers = (text: string) => [...text.matchAll(/^ {0,2}(\d+)\. /gm)].map((m) => Number(m[1]));

describe('the causal slice on the command line', () => {
  it('replay --slice prints it as a numbered story ending in the violation, before the summary', async () => {
    const r = await run(['replay', ...BAD, '--slice']);
    expect(r.code).toBe(1);
    const [story, summary] = r.stdout.split('\n\n');
    expect(story).toMatch(/^causal slice: \d+ records of \d+, the ones the violation depends on\n/);
    const steps = stepNumbers(story!);
    expect(steps.length).toBeGreaterThan(2);
    expect(steps).toEqual(steps.map((_n, k) => k + 1));
    expect(story).toMatch(/ {5}✗ unique-results: .+$/);
    expect(story).toMatch(/state: count: 0 -> 1/);
    expect(summary).toMatch(/^✗ counter seed 3 \(bug local-count\): 'unique-results' violated/);
  });

  it('replay --slice --json gives the records, the same slice as the trace --out writes', async () => {
    const out = join(tmp, 'trace.jsonl');
    const r = await runJson(['replay', ...BAD, '--slice', '--json', '--out', out]);
    const trace = readTrace(out);
    const slice = causalSlice(trace)!;
    expect(r.json.slice).toEqual({ size: slice.records.length, of: trace.length, records: slice.records });
    expect(r.json.slice.size).toBeLessThan(trace.length);
    expect(trace[r.json.slice.records.at(-1)]!.k).toBe('violation');
    const passing = await runJson(['replay', 'counter', '--seed', '3', '--slice', '--json']);
    expect(passing.json.slice).toBeNull();
    expect((await run(['replay', 'counter', '--seed', '3', '--slice'])).stdout).toMatch(/^no violation, so no causal slice\n/);
    expect((await runJson(['replay', ...BAD, '--json'])).json).not.toHaveProperty('slice');
  });

  it('replay --html highlights the slice: its records\' events lit, the rest faded', async () => {
    const html = join(tmp, 'page.html');
    const out = join(tmp, 'page.jsonl');
    await run(['replay', ...BAD, '--html', html, '--out', out]);
    const trace = readTrace(out);
    const lit = [...new Set(causalSlice(trace)!.records.map((k) => trace[k]!.i))].sort((a, b) => a - b);
    expect(pageData(readFileSync(html, 'utf8')).highlight).toEqual(lit);
    const passing = join(tmp, 'passing.html');
    await run(['replay', 'counter', '--seed', '3', '--html', passing]);
    expect(pageData(readFileSync(passing, 'utf8')).highlight).toBeNull();
  });

  it('test prints the first failure\'s slice as a story, and --json failures carry shrunk.slice', async () => {
    const t = await run(['test', 'counter', '--bug', 'local-count', '--seeds', '3']);
    expect(t.code).toBe(1);
    const first = t.stdout.split(/\n(?=✗ seed )/)[0]!;
    expect(first).toMatch(/\n {2}causal slice of the shrunk run: \d+ records of \d+/);
    expect(stepNumbers(first.split('\n').map((l) => l.slice(2)).join('\n')).length).toBeGreaterThan(1);
    expect(first).toMatch(/\n {7}✗ unique-results: /);
    expect(t.stdout.match(/causal slice/g)).toHaveLength(1);

    const j = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '3', '--json']);
    expect(j.json.failures.length).toBeGreaterThan(0);
    for (const f of j.json.failures) {
      const replay = join(tmp, `shrunk-${f.seed}.jsonl`);
      await run(['replay', 'counter', '--schedule', f.shrunk.schedule, '--out', replay]);
      const trace = readTrace(replay);
      expect(f.shrunk.slice).toEqual({ size: causalSlice(trace)!.records.length, of: trace.length, records: causalSlice(trace)!.records });
    }
  });
});
