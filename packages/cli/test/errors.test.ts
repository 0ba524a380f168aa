import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '@faultline/runtime';
import { run } from './helpers.ts';

/** Every mistake is one line on stderr, nothing on stdout, and exit code 2. */
async function usageError(argv: string[]): Promise<string> {
  const r = await run(argv);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^faultline/);
  return r.stderr.trimEnd();
}

describe('error paths', () => {
  it('unknown protocol names the known ones', async () => {
    expect(await usageError(['test', 'foo'])).toMatch(/^faultline: unknown protocol 'foo' \(known: counter;/);
  });

  it('unknown command', async () => {
    expect(await usageError(['frobnicate'])).toBe("faultline: unknown command 'frobnicate' (commands: list, test, replay, check, check-history, merge, run, client, init, report, help)");
    expect(await usageError(['tset', 'counter'])).toMatch(/unknown command 'tset' \(did you mean 'test'\?\)/);
    expect(await usageError(['help', 'nope'])).toMatch(/unknown command 'nope'/);
  });

  it('unknown flag, with a suggestion when it is a typo', async () => {
    expect(await usageError(['test', 'counter', '--sed', '3'])).toMatch(/^faultline test: unknown flag '--sed' \(did you mean --seed\?\)/);
    expect(await usageError(['test', 'counter', '--wat'])).toMatch(/unknown flag '--wat'; see 'faultline test --help'/);
    expect(await usageError(['list', '-x'])).toMatch(/unknown flag '-x'/);
    expect(await usageError(['--nope'])).toMatch(/unknown flag '--nope'/);
  });

  it('missing flag value', async () => {
    expect(await usageError(['test', 'counter', '--seeds'])).toBe('faultline test: --seeds needs a value (N)');
    const r = await run(['test', 'counter', '--bug', '--json']);
    expect([r.code, r.stderr]).toEqual([2, 'faultline test: --bug needs a value (NAME)\n']);
    expect(JSON.parse(r.stdout).error.message).toBe('faultline test: --bug needs a value (NAME)');
  });

  it('bad numbers', async () => {
    expect(await usageError(['test', 'counter', '--seeds', 'abc'])).toBe("faultline test: --seeds must be an integer >= 1, not 'abc'");
    expect(await usageError(['test', 'counter', '--seeds', '0'])).toMatch(/--seeds must be an integer >= 1, not '0'/);
    expect(await usageError(['test', 'counter', '--seeds=2.5'])).toMatch(/--seeds must be an integer/);
    expect(await usageError(['test', 'counter', '--first-seed', '1x'])).toMatch(/--first-seed must be an integer, not '1x'/);
    expect(await usageError(['test', 'counter', '--duration-ms', '-5'])).toMatch(/--duration-ms must be a positive number, not '-5'/);
    expect(await usageError(['replay', 'counter', '--seed', '1', '--duration-ms', 'soon'])).toMatch(/--duration-ms must be a positive number/);
  });

  it('boolean flags take no value; extra and missing arguments', async () => {
    expect(await usageError(['test', 'counter', '--json=yes'])).toBe('faultline test: --json takes no value');
    expect(await usageError(['test', 'counter', 'extra'])).toBe("faultline test: unexpected argument 'extra'");
    expect(await usageError(['test'])).toMatch(/^faultline test: missing <protocol>/);
    expect(await usageError(['replay', 'counter'])).toMatch(/^faultline replay: missing --seed S/);
    expect(await usageError(['test', 'counter', '--seed', '3', '--seeds', '10'])).toMatch(/--seed runs one seed/);
  });

  it('unknown fault kind lists the valid ones', async () => {
    const line = await usageError(['test', 'counter', '--faults', 'drop,meteor']);
    expect(line).toBe(`faultline: unknown fault kind 'meteor' in --faults (valid: ${FAULT_KINDS.join(', ')}, or none)`);
  });

  it('unknown bug lists the known ones', async () => {
    expect(await usageError(['test', 'counter', '--bug', 'nope'])).toBe("faultline: protocol counter has no bug variant 'nope' (known: local-count)");
    expect(await usageError(['replay', 'counter', '--seed', '1', '--bug', 'nope'])).toMatch(/no bug variant 'nope'/);
  });

  it('missing scenario file', async () => {
    expect(await usageError(['test', 'counter', '--scenario', 'nowhere.json'])).toBe('faultline: scenario file not found: nowhere.json');
    expect(await usageError(['test', 'counter', '--scenario', 'nowhere.ts'])).toBe('faultline: scenario file not found: nowhere.ts');
  });

  it('scenario that is not valid JSON names the file and the place', async () => {
    const line = await usageError(['test', 'counter', '--scenario', 'bad-syntax.json']);
    expect(line).toMatch(/^faultline: scenario bad-syntax\.json is not valid JSON: /);
  });

  it('scenario with unknown fields suggests the right ones', async () => {
    const line = await usageError(['test', 'counter', '--scenario', 'typo.json']);
    expect(line).toMatch(/unknown field 'duration' \(did you mean 'durationMs'\?\)/);
    expect(line).toMatch(/unknown field 'network\.latency'/);
  });

  it('a scenario that is not an object, or a module without a default export', async () => {
    expect(await usageError(['test', 'counter', '--scenario', 'array.json'])).toMatch(/^faultline: scenario array\.json: it must be an object/);
    expect(await usageError(['replay', 'counter', '--seed', '1', '--scenario', 'no-default-scenario.ts'])).toMatch(
      /^faultline: scenario no-default-scenario\.ts has no default export/,
    );
  });

  it('a bad ken setting in a scenario', async () => {
    expect(await usageError(['test', 'counter', '--scenario', 'ken-bad.json'])).toMatch(/^faultline: scenario ken-bad\.json: ken must be true, false or \{/);
    expect(await usageError(['test', 'counter', '--scenario', 'ken-typo.json'])).toMatch(/^faultline: ken: unknown setting 'fsync'/);
  });

  it("the simulator's ConfigError is a usage error too", async () => {
    expect(await usageError(['test', 'counter', '--scenario', 'bad-value.json'])).toMatch(/^faultline: nodes must be an integer from 1 to 1000, not 0$/);
  });

  it('a user module that exports no protocol', async () => {
    expect(await usageError(['test', './no-protocol.ts'])).toBe(
      "faultline: ./no-protocol.ts exports no protocol (expected a ProtocolDefinition as its default export or as 'protocol')",
    );
    expect(await usageError(['test', './named-only.ts'])).toMatch(/it exports 'myCounter', which looks like one: export it as default or as 'protocol'/);
  });

  it('a user module whose protocol is invalid prints its problems', async () => {
    const line = await usageError(['list', './invalid-protocol.ts']);
    expect(line).toMatch(/^faultline: \.\/invalid-protocol\.ts: the default export is not a valid protocol: /);
    expect(line).toContain('create must be a function');
    expect(line).toContain('unknown fault kind "meteor"');
    expect(line).toContain('workload.timeoutMs must be a positive number');
  });

  it('a missing protocol file, and one that throws while loading', async () => {
    expect(await usageError(['test', './missing.ts'])).toBe('faultline: protocol file not found: ./missing.ts');
    expect(await usageError(['test', 'fixtures/../nowhere/p.js'])).toMatch(/protocol file not found/);
    expect(await usageError(['test', './throws-on-import.ts'])).toMatch(/^faultline: cannot load protocol module \.\/throws-on-import\.ts: boom while loading$/);
  });

  it('no command prints the help on stderr with exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: faultline <command>');
  });

  it('an unexpected error exits 3 with its message', async () => {
    const throwing = {
      stdout: {
        write: () => {
          throw new Error('disk on fire');
        },
      },
    };
    const r = await run(['list', '--json'], throwing);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^faultline: unexpected error: disk on fire\n\(set FAULTLINE_DEBUG=1/);
    const debug = await run(['list', '--json'], { ...throwing, env: { FAULTLINE_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/at /);
  });
});

describe('errors for --json callers', () => {
  it('a usage error with --json prints a JSON error object on stdout, and the line on stderr', async () => {
    const r = await run(['test', 'nope', '--json']);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual({ ok: false, error: { kind: 'usage', message: expect.stringMatching(/unknown protocol 'nope'/), exitCode: 2 } });
    expect(r.stderr).toMatch(/^faultline: unknown protocol 'nope'/);
    const flag = await run(['replay', 'counter', '--json', '--seed']);
    expect(JSON.parse(flag.stdout).error.kind).toBe('usage');
  });

  it('--json after -- is not a flag', async () => {
    const r = await run(['test', 'nope', '--', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
