import { closest } from '@faultline/simulator/input-errors';
import { UsageError } from './errors.ts';

/**
 * A small, typed command-line parser. Each command declares its flags as data; the
 * parser returns their values typed by that declaration, and turns every mistake into a
 * `UsageError` of one line: an unknown flag, a missing value, a value that is not a
 * number, a missing or an extra argument.
 *
 * Accepted forms: `--flag value`, `--flag=value`, `--bool`, `-h`/`--help`, and `--` to
 * end the flags. A flag given twice keeps its last value (so `npm run x -- --seeds 10`
 * can override a script's own `--seeds`).
 */

export type FlagSpec =
  | { readonly type: 'boolean'; readonly help: string }
  | { readonly type: 'string'; readonly value: string; readonly help: string }
  /** A safe integer, at least `min` when given. */
  | { readonly type: 'integer'; readonly value: string; readonly help: string; readonly min?: number }
  /** A finite number, greater than zero when `positive`. */
  | { readonly type: 'number'; readonly value: string; readonly help: string; readonly positive?: boolean };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<F extends FlagSpec> = F extends { type: 'boolean' } ? boolean : F extends { type: 'string' } ? string : number;

/** The parsed flags: each present flag's value, typed by its spec. */
export type Flags<S extends FlagSpecs> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

export interface PositionalSpec {
  readonly name: string;
  readonly required: boolean;
  readonly help: string;
  /** Takes every remaining argument. */
  readonly variadic?: boolean;
}

export interface CommandSpec<S extends FlagSpecs = FlagSpecs> {
  readonly name: string;
  /** Paragraphs printed after the usage line of `--help`. */
  readonly description: string;
  readonly positionals: readonly PositionalSpec[];
  readonly flags: S;
  /** Printed at the end of `--help`. */
  readonly examples?: readonly string[];
}

export interface ParsedArgs<S extends FlagSpecs> {
  readonly positionals: string[];
  readonly flags: Flags<S>;
  /** `--help` or `-h` was given: the caller prints help and ignores everything else. */
  readonly help: boolean;
}

/** Parses `argv` (the words after the command name) against `spec`. */
export function parseArgs<S extends FlagSpecs>(spec: CommandSpec<S>, argv: readonly string[]): ParsedArgs<S> {
  const where = `faultline ${spec.name}`;
  const flags: Record<string, string | number | boolean> = {};
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (onlyPositionals || !word.startsWith('-') || word === '-' || /^-\d/.test(word)) {
      positionals.push(word);
      continue;
    }
    if (word === '--') {
      onlyPositionals = true;
      continue;
    }
    if (word === '-h' || word === '--help') {
      help = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.startsWith('--') ? word.slice(2, eq < 0 ? undefined : eq) : '';
    const flag = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
    if (flag === undefined) {
      const shown = eq < 0 ? word : word.slice(0, eq);
      const near = closest(name || word.replace(/^-+/, ''), Object.keys(spec.flags));
      throw new UsageError(
        `${where}: unknown flag '${shown}'${near ? ` (did you mean --${near}?)` : ''}; see 'faultline ${spec.name} --help'`,
      );
    }
    if (flag.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`${where}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = word.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`${where}: --${name} needs a value (${flag.value})`);
      raw = next;
      i++;
    }
    flags[name] = convert(where, name, flag, raw);
  }
  if (help) return { positionals, flags: flags as Flags<S>, help };

  const fixed = spec.positionals.filter((p) => !p.variadic);
  const variadic = spec.positionals.some((p) => p.variadic);
  for (const [k, p] of fixed.entries())
    if (p.required && positionals[k] === undefined)
      throw new UsageError(`${where}: missing <${p.name}>; see 'faultline ${spec.name} --help'`);
  if (!variadic && positionals.length > fixed.length)
    throw new UsageError(`${where}: unexpected argument '${positionals[fixed.length]}'`);
  return { positionals, flags: flags as Flags<S>, help };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function convert(where: string, name: string, flag: FlagSpec, raw: string): string | number {
  switch (flag.type) {
    case 'boolean':
      throw new Error('unreachable');
    case 'string':
      return raw;
    case 'integer': {
      const n = NUMBER.test(raw) ? Number(raw) : NaN;
      const min = flag.min;
      if (!Number.isSafeInteger(n) || (min !== undefined && n < min))
        throw new UsageError(`${where}: --${name} must be an integer${min !== undefined ? ` >= ${min}` : ''}, not '${raw}'`);
      return n;
    }
    case 'number': {
      const n = NUMBER.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (flag.positive && !(n > 0)))
        throw new UsageError(`${where}: --${name} must be a ${flag.positive ? 'positive ' : ''}number, not '${raw}'`);
      return n;
    }
  }
}

/** The `--help` text of a command. */
export function commandHelp(spec: CommandSpec): string {
  const usageArgs = spec.positionals.map((p) => {
    const n = `<${p.name}>${p.variadic ? '...' : ''}`;
    return p.required ? n : `[${n}]`;
  });
  const lines = [`Usage: faultline ${[spec.name, ...usageArgs].join(' ')}${Object.keys(spec.flags).length ? ' [flags]' : ''}`, ''];
  lines.push(...spec.description.split('\n'), '');
  const rows: [string, string][] = [];
  if (spec.positionals.length > 0) {
    lines.push('Arguments:');
    lines.push(...table(spec.positionals.map((p) => [`<${p.name}>`, p.help])), '');
  }
  for (const [name, f] of Object.entries(spec.flags)) rows.push([`--${name}${f.type === 'boolean' ? '' : ` ${f.value}`}`, f.help]);
  rows.push(['-h, --help', 'show this help']);
  lines.push('Flags:', ...table(rows));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/** Two aligned columns, the second wrapped onto continuation lines at newlines. */
export function table(rows: readonly (readonly [string, string])[]): string[] {
  const w = Math.max(...rows.map((r) => r[0].length));
  const out: string[] = [];
  for (const [a, b] of rows) {
    const [first = '', ...rest] = b.split('\n');
    out.push(`  ${a.padEnd(w)}  ${first}`.trimEnd());
    for (const r of rest) out.push(`  ${' '.repeat(w)}  ${r}`);
  }
  return out;
}
