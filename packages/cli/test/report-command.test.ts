import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, runJson, SCHEDULES_DIR } from './helpers.ts';
import { findAll, hasClass, parseXml, textOf, type Node } from './viz/plots/svg-tree.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-report-test-'));
const file = (name: string) => join(dir, name);

/** The page's SVG plots by id (the page is HTML, but the plots' part is well-formed XML). */
function plots(html: string): Map<string, Node> {
  const svgs = [...html.matchAll(/<svg [^]*?<\/svg>/g)].map((m) => parseXml(m[0]).children[0]!);
  return new Map(svgs.map((s) => [s.attrs.id!, s]));
}

describe('faultline report', () => {
  it('plots a saved trace: the four run plots, one mark per operation, nothing loaded from elsewhere', async () => {
    const trace = file('counter.jsonl');
    const replay = await runJson(['replay', 'counter', '--seed', '3', '--bug', 'local-count', '--out', trace, '--json']);
    const records = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { k: string; id?: string });
    const r = await run(['report', trace, '--out', file('run.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`report written to ${file('run.html')}`);
    const html = readFileSync(file('run.html'), 'utf8');
    expect(html).not.toMatch(/<script|src=|href=/);
    const p = plots(html);
    expect([...p.keys()]).toEqual(['latency', 'throughput', 'timeline', 'messages']);
    const invoked = records.filter((x) => x.k === 'invoke').length;
    expect(invoked).toBeGreaterThan(0);
    expect(findAll(p.get('latency')!, hasClass('op')).length).toBe(invoked);
    expect(findAll(p.get('timeline')!, hasClass('op')).length).toBe(invoked);
    expect(html).toContain(`${replay.json.violation.property}' violated`);
  });

  it('replays a schedule, and plots the same as the saved trace of that replay', async () => {
    const t = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '3', '--schedules-dir', SCHEDULES_DIR, '--json']);
    const schedule = t.json.failures[0].shrunk.schedule as string;
    await run(['replay', 'counter', '--schedule', schedule, '--out', file('shrunk.jsonl')]);
    expect((await run(['report', schedule, '--out', file('a.html')])).code).toBe(0);
    expect((await run(['report', file('shrunk.jsonl'), '--out', file('b.html')])).code).toBe(0);
    expect(readFileSync(file('a.html'), 'utf8')).toBe(readFileSync(file('b.html'), 'utf8'));
  });

  it('draws a campaign from test --json reports, merging shards', async () => {
    for (const i of [1, 2]) {
      const r = await run(['test', 'counter', '--bug', 'local-count', '--seeds', '6', '--shard', `${i}/2`, '--no-shrink', '--json']);
      writeFileSync(file(`shard-${i}.json`), r.stdout);
    }
    const r = await run(['report', file('shard-1.json'), file('shard-2.json'), '--out', file('campaign.html')]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(file('campaign.html'), 'utf8');
    const shards = [1, 2].map((i) => JSON.parse(readFileSync(file(`shard-${i}.json`), 'utf8')) as { failures: { property: string }[] });
    const failures = shards.flatMap((s) => s.failures);
    expect(failures.length).toBeGreaterThan(0);
    const p = plots(html);
    const byProperty = findAll(p.get('failures-by-property')!, hasClass('bar'));
    expect(byProperty.reduce((s, b) => s + Number(b.attrs['data-count']), 0)).toBe(failures.length);
    expect(findAll(p.get('violation-times')!, hasClass('bar')).reduce((s, b) => s + Number(b.attrs['data-count']), 0)).toBe(failures.length);
    expect(p.has('seeds-per-second')).toBe(false);
    expect(html).toContain('--report FILE.html');
  });

  it('says what a file is not, and asks for --out', async () => {
    writeFileSync(file('other.json'), '{"hello": 1}');
    writeFileSync(file('notrace.jsonl'), '{"i":1,"t":0,"k":"send"}\n');
    expect((await run(['report', file('other.json'), '--out', file('x.html')])).stderr).toMatch(/is not a schedule .*, a saved trace .* or a faultline test --json report/);
    expect((await run(['report', file('notrace.jsonl'), '--out', file('x.html')])).stderr).toContain("its first line is a 'send' record, not the run's config");
    expect((await run(['report', file('missing.json'), '--out', file('x.html')])).stderr).toContain('file not found');
    const r = await run(['report', file('other.json')]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('missing --out FILE')]);
  });
});

describe('faultline test --report', () => {
  it('writes the campaign page: every seed counted once, failures by property, shrunk sizes before and after', async () => {
    let clock = 0;
    const out = file('test-report.html');
    const r = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '20', '--schedules-dir', SCHEDULES_DIR, '--report', out, '--json'], { now: () => (clock += 7) });
    expect(r.code).toBe(1);
    const p = plots(readFileSync(out, 'utf8'));
    const sum = (id: string, kind?: string) => findAll(p.get(id)!, hasClass('bar')).filter((b) => kind === undefined || b.attrs['data-kind'] === kind).reduce((s, b) => s + Number(b.attrs['data-count']), 0);
    expect(sum('seeds-per-second')).toBe(20);
    expect(sum('events-per-seed')).toBe(20);
    expect(sum('events-per-seed', 'failed')).toBe(r.json.failures.length);
    expect(sum('failures-by-property')).toBe(r.json.failures.length);
    const shrunk = r.json.failures.filter((f: { shrunk?: unknown }) => f.shrunk !== undefined);
    expect(shrunk.length).toBeGreaterThan(0);
    const rows = findAll(p.get('shrunk-sizes')!, hasClass('row'));
    expect(rows.map((row) => findAll(row, hasClass('bar')).map((b) => Number(b.attrs['data-count'])))).toEqual(
      shrunk.map((f: { shrunk: { events: number; from: { events: number } } }) => [f.shrunk.from.events, f.shrunk.events]),
    );
    for (const id of ['seeds-per-second', 'events-per-seed', 'violation-times']) {
      const svg = p.get(id)!;
      expect(findAll(findAll(svg, hasClass('x-axis'))[0]!, hasClass('tick')).length).toBeGreaterThan(2);
      expect(textOf(findAll(svg, hasClass('y-axis'))[0]!)).not.toBe('');
    }
  });

  it('samples every seed once when seeds run on worker threads too', async () => {
    const out = file('workers-report.html');
    const r = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '24', '--workers', '2', '--no-shrink', '--report', out, '--json']);
    const p = plots(readFileSync(out, 'utf8'));
    const bars = findAll(p.get('events-per-seed')!, hasClass('bar'));
    expect(bars.reduce((s, b) => s + Number(b.attrs['data-count']), 0)).toBe(24);
    expect(bars.filter((b) => b.attrs['data-kind'] === 'failed').reduce((s, b) => s + Number(b.attrs['data-count']), 0)).toBe(r.json.failures.length);
  });
});
