import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { commandHelp, parseArgs, ProgressBar, replayCommand, shellQuote, splitCommand, parseFaultList, UsageError, type CommandSpec } from '../src/index.ts';

const SPEC = {
  name: 'demo',
  description: 'A demo command.',
  positionals: [{ name: 'thing', required: true, help: 'the thing' }],
  flags: {
    count: { type: 'integer', value: 'N', min: 1, help: 'how many' },
    offset: { type: 'integer', value: 'N', help: 'where from' },
    ratio: { type: 'number', value: 'R', positive: true, help: 'how much' },
    name: { type: 'string', value: 'NAME', help: 'a name' },
    loud: { type: 'boolean', help: 'shout' },
  },
} as const satisfies CommandSpec;

const fails = (argv: string[]) => {
  try {
    parseArgs(SPEC, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseArgs', () => {
  it('parses typed flags in both spellings, positionals anywhere', () => {
    const p = parseArgs(SPEC, ['--count', '3', 'x', '--ratio=0.5', '--name=a=b', '--loud', '--offset', '-7']);
    expect(p.positionals).toEqual(['x']);
    expect(p.flags).toEqual({ count: 3, ratio: 0.5, name: 'a=b', loud: true, offset: -7 });
    expect(p.help).toBe(false);
  });

  it('keeps the last of a repeated flag, and takes words after -- as arguments', () => {
    expect(parseArgs(SPEC, ['x', '--count', '3', '--count', '4']).flags.count).toBe(4);
    expect(parseArgs(SPEC, ['--', '--loud']).positionals).toEqual(['--loud']);
  });

  it('accepts empty strings and exponents where they fit', () => {
    expect(parseArgs(SPEC, ['x', '--name', '']).flags.name).toBe('');
    expect(parseArgs(SPEC, ['x', '--count', '1e3']).flags.count).toBe(1000);
  });

  it('-h and --help win over missing arguments', () => {
    expect(parseArgs(SPEC, ['--help']).help).toBe(true);
    expect(parseArgs(SPEC, ['-h', '--count', '2']).help).toBe(true);
  });

  it('rejects every malformed line with one clear message', () => {
    expect(fails(['x', '--cuont', '3'])).toBe("faultline demo: unknown flag '--cuont' (did you mean --count?); see 'faultline demo --help'");
    expect(fails(['x', '--count'])).toBe('faultline demo: --count needs a value (N)');
    expect(fails(['x', '--count', '--loud'])).toBe('faultline demo: --count needs a value (N)');
    expect(fails(['x', '--count', ''])).toBe("faultline demo: --count must be an integer >= 1, not ''");
    expect(fails(['x', '--count', '0x10'])).toMatch(/must be an integer >= 1, not '0x10'/);
    expect(fails(['x', '--count', '99999999999999999999'])).toMatch(/must be an integer/);
    expect(fails(['x', '--ratio', '0'])).toBe("faultline demo: --ratio must be a positive number, not '0'");
    expect(fails(['x', '--ratio', 'Infinity'])).toMatch(/positive number/);
    expect(fails(['x', '--loud=yes'])).toBe('faultline demo: --loud takes no value');
    expect(fails([])).toMatch(/missing <thing>/);
    expect(fails(['x', 'y'])).toBe("faultline demo: unexpected argument 'y'");
  });

  it('generates help from the spec', () => {
    const help = commandHelp(SPEC);
    expect(help).toMatch(/^Usage: faultline demo <thing> \[flags\]/);
    for (const s of ['--count N', '--ratio R', '--loud', '-h, --help', 'how many']) expect(help).toContain(s);
  });
});

describe('fault lists', () => {
  it('parses, de-duplicates, and knows none', () => {
    expect(parseFaultList('drop, crash,drop')).toEqual(['drop', 'crash']);
    expect(parseFaultList('none')).toEqual([]);
    expect(parseFaultList('')).toEqual([]);
    expect(() => parseFaultList('drop,none')).toThrow(/unknown fault kind 'none'/);
  });
});

describe('replay commands', () => {
  it('quotes what the shell would split, and splits it back', () => {
    for (const word of ['plain', './p.ts', 'with space', "it's", '$HOME', 'a"b', '']) {
      expect(splitCommand(`x ${shellQuote(word)} y`)).toEqual(['x', word, 'y']);
    }
    const cmd = replayCommand({ protocolArg: './my dir/p.ts', bug: 'b', faults: [], durationMs: 1500, scenario: 's.json' }, '9');
    expect(cmd).toBe("faultline replay './my dir/p.ts' --seed 9 --bug b --faults none --duration-ms 1500 --scenario s.json");
  });
});

describe('progress bar', () => {
  it('redraws at most every 100 ms, always draws the end, and erases itself', () => {
    let t = 0;
    let written = '';
    const bar = new ProgressBar((s) => (written += s), () => t, new Chalk({ level: 0 }), 100);
    for (let done = 1; done <= 100; done++) {
      t += 3; // 3 ms a seed
      bar.update({ done, total: 100, failures: done > 50 ? 1 : 0, events: done * 10 });
    }
    bar.finish();
    const frames = written.split('\r\x1b[2K').filter((s) => s !== '');
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.length).toBeLessThanOrEqual(5);
    expect(frames[0]).toMatch(/^░{40} 1\/100 seeds {2}0 failures {2}333 seeds\/s {2}ETA 297 ms$/);
    expect(frames[frames.length - 1]).toMatch(/^█{40} 100\/100 seeds {2}1 failure {2}333 seeds\/s {2}done$/);
    expect(written.endsWith('\r\x1b[2K')).toBe(true);
  });
});
