import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runJson } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-shrink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEST = ['test', 'counter', '--bug', 'local-count', '--seeds', '3', '--schedules-dir', dir];

describe('test: shrinking failures', () => {
  it('--json failures carry shrunk sizes and a schedule that replays to the same violation', async () => {
    const { code, json } = await runJson([...TEST, '--json']);
    expect(code).toBe(1);
    const f = json.failures[0];
    expect(f.shrunk).toMatchObject({ events: expect.any(Number), faults: expect.any(Number), requests: expect.any(Number) });
    expect(f.shrunk.events).toBeLessThanOrEqual(f.events);
    expect(f.shrunk.from.events).toBe(f.events);
    expect(f.shrunk.schedule).toBe(join(dir, `counter-seed${f.seed}.json`));
    const schedule = JSON.parse(readFileSync(f.shrunk.schedule, 'utf8'));
    expect(schedule).toMatchObject({ faultline: 'schedule', version: 2, protocol: 'counter', bug: 'local-count', scenario: { faults: [] } });
    expect(typeof schedule.choices).toBe('object');

    const replay = await runJson(['replay', 'counter', '--schedule', f.shrunk.schedule, '--json']);
    expect(replay.code).toBe(1);
    expect(replay.json.violation.property).toBe(f.property);
    expect(replay.json.events).toBe(f.shrunk.events);
    expect(replay.json.replay).toBe(`faultline replay counter --schedule ${f.shrunk.schedule}`);
  });

  it('prints one shrunk line per shrunk failure', async () => {
    const { stdout } = await run(TEST);
    expect(stdout).toMatch(/shrunk: \d+ faults?, \d+ requests?, [\d,]+ events? \(from \d+ faults?, \d+ requests?, [\d,]+ events?\): faultline replay counter --schedule \S+counter-seed\d+\.json/);
  });

  it('--no-shrink omits it', async () => {
    const { json } = await runJson([...TEST, '--json', '--no-shrink']);
    expect(json.failures.length).toBeGreaterThan(0);
    for (const f of json.failures) expect(f.shrunk).toBeUndefined();
  });
});

describe('replay --schedule: bad files', () => {
  const bad = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  it.each([
    ['missing', join(dir, 'nope.json'), /schedule file not found: .*nope\.json/],
    ['not JSON', bad('syntax.json', '{ nope'), /schedule .*syntax\.json is not valid JSON/],
    ['wrong shape', bad('shape.json', '{"faultline":"schedule","version":1}'), /"protocol" must be a protocol name/],
    ['another protocol', bad('other.json', JSON.stringify({ faultline: 'schedule', version: 1, protocol: 'raft', seed: 1, bug: null, scenario: {} })), /for protocol raft, not counter/],
    ['a bad scenario', bad('scen.json', JSON.stringify({ faultline: 'schedule', version: 1, protocol: 'counter', seed: 1, bug: null, scenario: { nodez: 3 } })), /unknown field 'nodez'/],
    ['a future version', bad('v9.json', JSON.stringify({ faultline: 'schedule', version: 9, protocol: 'counter', seed: 1, bug: null, scenario: {} })), /unsupported version 9 \(this faultline reads versions 1 and 2/],
    ['bad choices', bad('choices.json', JSON.stringify({ faultline: 'schedule', version: 2, protocol: 'counter', seed: 1, bug: null, scenario: {}, choices: { 'node/n1': ['x'] } })), /choices\["node\/n1"\]\[0\] must be a number >= 0/],
    ['a bad plan', bad('plan.json', JSON.stringify({ faultline: 'schedule', version: 1, protocol: 'counter', seed: 1, bug: null, scenario: { faultPlan: [{ atMs: 1, kind: 'crash', node: 'n9' }] } })), /unknown node "n9"/],
  ])('%s: one clear line, exit 2', async (_name, path, message) => {
    const r = await run(['replay', 'counter', '--schedule', path]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('cannot go with --seed or other run flags', async () => {
    const r = await run(['replay', 'counter', '--schedule', 'x.json', '--seed', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--schedule holds every setting of the run; it cannot go with --seed/);
  });
});
