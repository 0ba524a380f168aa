import { describe, expect, it } from 'vitest';
import { splitCommand } from '../src/index.ts';
import { run, runJson } from './helpers.ts';

describe('faultline test', () => {
  it('--json for a passing protocol', async () => {
    const { code, json } = await runJson(['test', 'counter', '--seeds', '30', '--json']);
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, protocol: 'counter', bug: null, seedsRun: 30, failures: [], faults: ['drop', 'duplicate', 'delay'] });
    expect(json.events).toBeGreaterThan(0);
  });

  it('--json for a failing protocol: every failure with its seed and replay command', async () => {
    const { code, json } = await runJson(['test', './counter.ts', '--bug', 'local-count', '--seeds', '12', '--json']);
    expect(code).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.protocol).toBe('counter');
    expect(json.bug).toBe('local-count');
    expect(json.seedsRun).toBe(12);
    expect(json.failures.length).toBeGreaterThan(0);
    json.failures.forEach((f: any, k: number) => {
      // The first five failures are shrunk (test/shrink.test.ts).
      const shrunk = k < 5 ? ['shrunk'] : [];
      expect(Object.keys(f).sort()).toEqual(['atMs', 'events', 'message', 'property', 'replay', 'seed', ...shrunk, 'traceHash']);
      expect(f.property).toBe('unique-results');
      expect(f.traceHash).toMatch(/^[0-9a-f]{16}$/);
      expect(f.replay).toBe(`faultline replay ./counter.ts --seed ${f.seed} --bug local-count`);
    });
  });

  it('--fail-fast stops at the first failure; --first-seed moves the range', async () => {
    const { json } = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '50', '--first-seed', '100', '--fail-fast', '--json']);
    expect(json.seedsRun).toBeLessThan(50);
    expect(json.failures).toHaveLength(1);
    expect(Number(json.failures[0].seed)).toBeGreaterThanOrEqual(100);
  });

  it('--seed runs one seed, integer or not', async () => {
    const one = await runJson(['test', 'counter', '--seed', '7', '--bug', 'local-count', '--json']);
    expect(one.json.seedsRun).toBe(1);
    expect(one.json.failures.map((f: { seed: string }) => f.seed)).toEqual(['7']);
    const word = await runJson(['test', 'counter', '--seed', 'hello', '--json']);
    expect(word.code).toBe(0);
    expect(word.json).toMatchObject({ ok: true, seedsRun: 1, firstSeed: 'hello' });
  });

  it('prints the failure: property, message, seed, time, event and the replay command', async () => {
    const r = await run(['test', 'counter', '--bug', 'local-count', '--seeds', '8']);
    expect(r.code).toBe(1);
    // Each failure is told on stderr as it is found, then in full in the report.
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(8);
    expect(r.stderr).toMatch(/^✗ seed 1: 'unique-results' violated at \d+\.\d{3} ms \(event \d+\); faultline replay counter --seed 1 --bug local-count\n/);
    expect(r.stdout).toMatch(/✗ seed 1: 'unique-results' violated at \d+\.\d{3} ms \(event \d+\)/);
    expect(r.stdout).toMatch(/both returned/);
    expect(r.stdout).toContain('replay: faultline replay counter --seed 1 --bug local-count');
    expect(r.stdout).toMatch(/8 of 8 seeds violated a property/);
    expect(r.stdout).toMatch(/simulated in .* wall/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour when not a terminal
  });

  it('on a terminal, failures appear above the bar as found, shrinking shows its progress, and its time is told apart', async () => {
    let clock = 0;
    const r = await run(['test', 'counter', '--bug', 'local-count', '--seeds', '30'], { isTTY: true, now: () => (clock += 50) });
    expect(r.code).toBe(1);
    const err = r.stderr.replace(/\x1b\[\d+m/g, '');
    // The first failure is printed while the campaign still runs: a bar frame comes after it.
    const firstFound = err.indexOf("✗ seed 1: 'unique-results'");
    expect(firstFound).toBeGreaterThanOrEqual(0);
    expect(err.slice(firstFound)).toMatch(/seeds/);
    expect(err).toMatch(/shrinking failure 1\/5 \(seed 1\): \d+\/5,?000 runs, best \d+ events \(from \d+\)/);
    expect(r.stdout.replace(/\x1b\[\d+m/g, '')).toMatch(/shrinking +\d+ failures? in .* \(\d+ runs\)/);
    // The speed is the campaign's: the summary's wall time is less than the whole command's.
    const json = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '30', '--json'], { now: () => (clock += 50) });
    expect(json.json.shrinkMs).toBeGreaterThan(0);
    expect(json.json.shrinkMs).toBeLessThan(json.json.wallMs);
  });

  it('--shrink-budget-ms bounds the wall time of shrinking: the first failure is shrunk, later ones only while time is left', async () => {
    let clock = 0;
    const r = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '10', '--shrink-budget-ms', '300', '--json'], { now: () => (clock += 10) });
    const shrunk = r.json.failures.filter((f: { shrunk?: unknown }) => f.shrunk !== undefined);
    expect(r.json.failures[0].shrunk).toBeDefined();
    expect(shrunk.length).toBeLessThan(5);
    expect(r.json.failures[0].shrunk.notes?.join() ?? '').toMatch(/wall budget of \d+ ms ran out|^$/);
    const none = await runJson(['test', 'counter', '--bug', 'local-count', '--seeds', '3', '--shrink-budget-ms', '0', '--json'], { now: () => (clock += 10) });
    expect(none.json.failures[0].shrunk.notes.join()).toMatch(/wall budget of 0 ms ran out/);
    expect(none.json.failures.filter((f: { shrunk?: unknown }) => f.shrunk !== undefined)).toHaveLength(1);
  });

  it('a passing summary', async () => {
    const r = await run(['test', 'counter', '--seeds', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ counter: no property violated in 5 seeds/);
    expect(r.stdout).toMatch(/seeds +5 \(1\.\.5\)/);
  });

  it('colours the summary when asked', async () => {
    const r = await run(['test', 'counter', '--seeds', '2'], { color: true });
    expect(r.stdout).toMatch(/\x1b\[32m/);
  });

  it('the replay command carries every flag that shaped the run, and reproduces the failure', async () => {
    const argv = ['test', './counter.ts', '--faults', 'drop,delay', '--duration-ms', '800', '--scenario', 'crash-n1.json', '--seeds', '5', '--json'];
    const { code, json } = await runJson(argv);
    expect(code).toBe(1);
    const f = json.failures[0];
    expect(f.replay).toBe(`faultline replay ./counter.ts --seed ${f.seed} --faults drop,delay --duration-ms 800 --scenario crash-n1.json`);
    const words = splitCommand(f.replay);
    expect(words.slice(0, 2)).toEqual(['faultline', 'replay']);
    const replayed = await runJson([...words.slice(1), '--json']);
    expect(replayed.code).toBe(1);
    expect(replayed.json.ok).toBe(false);
    expect(replayed.json.traceHash).toBe(f.traceHash);
    expect(replayed.json.events).toBe(f.events);
    expect(replayed.json.violation).toMatchObject({ property: f.property, message: f.message, atMs: f.atMs });
  });

  it('--ken runs every node under Ken: the crash that broke the counter no longer does', async () => {
    const plain = await runJson(['test', './counter.ts', '--scenario', 'crash-n1.json', '--seeds', '5', '--json']);
    expect(plain.code).toBe(1);
    const ken = await runJson(['test', './counter.ts', '--scenario', 'crash-n1.json', '--seeds', '5', '--ken', '--json']);
    expect(ken.code).toBe(0);
    expect(ken.json.failures).toEqual([]);
  });

  it('a protocol that asks for Ken runs under it; --no-ken turns it off, and its replay command says so', async () => {
    const ken = await runJson(['test', './ken-counter.ts', '--scenario', 'crash-n1.json', '--seeds', '3', '--json']);
    expect(ken.code).toBe(0);
    const off = await runJson(['test', './ken-counter.ts', '--scenario', 'crash-n1.json', '--seeds', '3', '--no-ken', '--json']);
    expect(off.code).toBe(1);
    const f = off.json.failures[0];
    expect(f.replay).toBe(`faultline replay ./ken-counter.ts --seed ${f.seed} --scenario crash-n1.json --no-ken`);
    const replayed = await runJson([...splitCommand(f.replay).slice(1), '--json']);
    expect(replayed.json.traceHash).toBe(f.traceHash);
    const both = await run(['test', './ken-counter.ts', '--ken', '--no-ken']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--ken and --no-ken contradict each other/);
  });

  it('a failure under --ken replays with --ken', async () => {
    const { json } = await runJson(['test', './counter.ts', '--bug', 'local-count', '--ken', '--seeds', '3', '--json']);
    const f = json.failures[0];
    expect(f.replay).toBe(`faultline replay ./counter.ts --seed ${f.seed} --bug local-count --ken`);
    const replayed = await runJson([...splitCommand(f.replay).slice(1), '--json']);
    expect(replayed.json.traceHash).toBe(f.traceHash);
  });

  it('the replay command printed for people reproduces the failure too', async () => {
    const r = await run(['test', 'counter', '--bug', 'local-count', '--seeds', '3', '--first-seed', '40', '--faults', 'none']);
    const line = r.stdout.split('\n').find((l) => l.includes('replay: '))!;
    const command = line.slice(line.indexOf('replay: ') + 'replay: '.length);
    expect(command).toBe('faultline replay counter --seed 40 --bug local-count --faults none');
    const replayed = await run(splitCommand(command).slice(1));
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(/✗ counter seed 40 \(bug local-count\): 'unique-results' violated/);
  });

  it('quotes a protocol path that needs it', async () => {
    const { json } = await runJson(['test', '../fixtures/counter.ts', '--seed', "it's 1", '--bug', 'local-count', '--json']);
    expect(json.failures[0].replay).toBe(`faultline replay ../fixtures/counter.ts --seed 'it'\\''s 1' --bug local-count`);
    expect(splitCommand(json.failures[0].replay)[4]).toBe("it's 1");
  });

  it('--faults none and a scenario change the run', async () => {
    const none = await runJson(['test', 'counter', '--faults', 'none', '--seeds', '3', '--json']);
    expect(none.json.faults).toEqual([]);
    const fromScenario = await runJson(['test', 'counter', '--scenario', 'small.json', '--seeds', '3', '--json']);
    expect(fromScenario.json.faults).toEqual(['drop']);
    const module = await runJson(['test', 'counter', '--scenario', 'scenario-module.ts', '--seeds', '3', '--json']);
    expect(module.code).toBe(0);
    expect(module.json.faults).toEqual([]);
  });

  it('draws a throttled progress bar on a terminal, and none with --json', async () => {
    let clock = 0;
    const tty = await run(['test', 'counter', '--seeds', '40'], { isTTY: true, now: () => (clock += 7) });
    expect(tty.code).toBe(0);
    const frames = tty.stderr.replace(/\x1b\[\d+m/g, '').split('\r\x1b[2K').filter((s) => s !== '');
    // ~7 ms per clock read: far fewer frames than seeds, the last one complete.
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.length).toBeLessThan(20);
    expect(frames[frames.length - 1]).toMatch(/40\/40 seeds .*0 failures .*seeds\/s .*done/);
    expect(tty.stderr.endsWith('\r\x1b[2K')).toBe(true);
    const json = await run(['test', 'counter', '--seeds', '5', '--json'], { isTTY: true });
    expect(json.stderr).toBe('');
  });
});
