import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('faultline replay', () => {
  it('prints the violation, trace hash and event count; exits 1', async () => {
    const r = await run(['replay', './counter.ts', '--seed', '3', '--bug', 'local-count']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^✗ counter seed 3 \(bug local-count\): 'unique-results' violated at \d+\.\d{3} ms \(event \d+\)\n/);
    expect(r.stdout).toMatch(/trace +[0-9a-f]{16}\n/);
    expect(r.stdout).toMatch(/events +\d+ in \d+\.\d{3} simulated ms/);
    expect(r.stdout).toContain('command  faultline replay ./counter.ts --seed 3 --bug local-count');
  });

  it('a passing seed exits 0', async () => {
    const r = await run(['replay', 'counter', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ counter seed 3: no property violated/);
  });

  it('--json prints { ok, traceHash, events, violation }', async () => {
    const bad = await runJson(['replay', 'counter', '--seed', '3', '--bug', 'local-count', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ ok: false, traceHash: expect.stringMatching(/^[0-9a-f]{16}$/), events: expect.any(Number) });
    expect(bad.json.violation).toMatchObject({ property: 'unique-results', eventIndex: bad.json.events });
    const good = await runJson(['replay', 'counter', '--seed', '3', '--json']);
    expect(good.code).toBe(0);
    expect(good.json).toMatchObject({ ok: true, violation: null });
  });

  it('the hash matches the one `test` reported for the same seed', async () => {
    const t = await runJson(['test', 'counter', '--bug', 'local-count', '--seed', '11', '--json']);
    const r = await runJson(['replay', 'counter', '--bug', 'local-count', '--seed', '11', '--json']);
    expect(r.json.traceHash).toBe(t.json.failures[0].traceHash);
  });

  it('is deterministic: two replays print byte-identical output', async () => {
    const argv = ['replay', './counter.ts', '--seed', '5', '--faults', 'drop,duplicate,delay,reorder', '--trace'];
    const a = await run(argv);
    const b = await run(argv);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(b.stdout).toBe(a.stdout);
    const colourA = await run(argv, { color: true });
    const colourB = await run(argv, { color: true });
    expect(colourB.stdout).toBe(colourA.stdout);
    expect(colourA.stdout).toMatch(/\x1b\[/);
  });

  it('--trace prints one line per record, a column per node, every node named', async () => {
    const r = await run(['replay', 'counter', '--seed', '2', '--scenario', 'small.json', '--trace'], { columns: 120 });
    const lines = r.stdout.split('\n');
    const header = lines[0]!;
    for (const n of ['n1', 'n2', 'n3', 'n4', 'n5']) expect(header).toContain(n);
    for (const n of ['n2', 'n3', 'n4', 'n5']) expect(r.stdout).toMatch(new RegExp(`send ${n} -> n1 `));
    // Every trace line starts with the time (3 decimals) and the event index.
    const traceLines = lines.slice(1, lines.indexOf(''));
    const json = await runJson(['replay', 'counter', '--seed', '2', '--scenario', 'small.json', '--json', '--out', join(tmp, 'small.jsonl')]);
    const records = readFileSync(join(tmp, 'small.jsonl'), 'utf8').trimEnd().split('\n');
    expect(traceLines).toHaveLength(records.length);
    for (const l of traceLines) {
      expect(l).toMatch(/^ *\d+\.\d{3} +\d+  /);
      expect(l.length).toBeLessThanOrEqual(120);
    }
    expect(json.code).toBe(0);
    // A node's events sit in its column: its start right under its name in the header.
    for (const n of ['n1', 'n2', 'n3', 'n4', 'n5'])
      expect(traceLines.some((l) => / start$/.test(l) && l.indexOf('start') === header.indexOf(n))).toBe(true);
  });

  it('--trace highlights faults, client operations and the violation', async () => {
    const r = await run(['replay', './counter.ts', '--seed', '1', '--scenario', 'crash-n1.json', '--trace'], { color: true });
    expect(r.code).toBe(1);
    const line = (word: string) => r.stdout.split('\n').find((l) => l.includes(word))!;
    expect(line('FAULT crash n1')).toContain('\x1b[31m'); // red
    expect(line('VIOLATION')).toContain('\x1b[41m'); // on red
    expect(line(' invoke ')).toContain('\x1b[1m'); // bold
    const plain = await run(['replay', './counter.ts', '--seed', '1', '--scenario', 'crash-n1.json', '--trace']);
    expect(plain.stdout).toMatch(/FAULT crash n1\n/);
    expect(plain.stdout).toMatch(/FAULT restart n1\n/);
    expect(plain.stdout).toMatch(/start \(restart, incarnation 2\)/);
    expect(plain.stdout).toMatch(/VIOLATION unique-results: /);
  });

  it('--trace cuts long lines to the terminal width', async () => {
    const r = await run(['replay', 'counter', '--seed', '2', '--trace'], { columns: 60 });
    const lines = r.stdout.split('\n').slice(0, 40);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    expect(r.stdout).toContain('…');
  });

  it('piped --trace output (no terminal) prints whole records; COLUMNS and --width cut them', async () => {
    const longest = (out: string) => Math.max(...out.split('\n').map((l) => l.length));
    const piped = await run(['replay', 'counter', '--seed', '2', '--trace']);
    expect(piped.stdout).not.toContain('…');
    expect(longest(piped.stdout)).toBeGreaterThan(120);
    const env = await run(['replay', 'counter', '--seed', '2', '--trace'], { env: { COLUMNS: '70' } });
    expect(longest(env.stdout.split('\n').slice(0, 40).join('\n'))).toBeLessThanOrEqual(70);
    expect(env.stdout).toContain('…');
    const flag = await run(['replay', 'counter', '--seed', '2', '--trace', '--width', '50'], { env: { COLUMNS: '70' } });
    for (const l of flag.stdout.split('\n').slice(0, 40)) expect(l.length).toBeLessThanOrEqual(50);
    const whole = await run(['replay', 'counter', '--seed', '2', '--trace', '--width', '0'], { columns: 60 });
    expect(whole.stdout).not.toContain('…');
  });

  it("under Ken a message shows the protocol's own message before Ken's framing", async () => {
    const r = await run(['replay', './ken-counter.ts', '--seed', '1', '--trace']);
    const sends = r.stdout.split('\n').filter((l) => / send n\d -> n\d #/.test(l));
    expect(sends.length).toBeGreaterThan(0);
    expect(sends.some((l) => /#\d+ \{.*\} \[ken seq \d+ ack \d+\]$/.test(l))).toBe(true);
    for (const l of sends) expect(l).not.toMatch(/\{"ken":"data"/);
  });

  it('--out writes the trace as JSON lines, one record per line', async () => {
    const file = join(tmp, 'trace.jsonl');
    const r = await run(['replay', 'counter', '--seed', '4', '--bug', 'local-count', '--out', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/trace written to .*trace\.jsonl \(\d+ records\)/);
    const records = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ i: 0, t: 0, k: 'config', protocol: 'counter', seed: '4', bug: 'local-count' });
    expect(records[records.length - 1]).toMatchObject({ k: 'violation', property: 'unique-results' });
    for (const rec of records) expect(Object.keys(rec).slice(0, 3)).toEqual(['i', 't', 'k']);
  });

  it('--out into a missing directory is a usage error', async () => {
    const r = await run(['replay', 'counter', '--seed', '4', '--out', join(tmp, 'no', 'such', 'dir', 'x.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^faultline: cannot write /);
  });
});
