import type { FaultKind } from '@faultline/runtime';
import { DEFAULT_PCT_DEPTH, type StrategyOptions } from '../explore/strategy.ts';
import { formatFaultList } from './fault-list.ts';

/** Everything that decides one run, as the user gave it on the command line. */
export interface RunInputs {
  /** The protocol argument exactly as given: a built-in name or a path. */
  readonly protocolArg: string;
  readonly bug?: string;
  /** Given with `--faults` (undefined: the protocol's or scenario's own fault model). */
  readonly faults?: readonly FaultKind[];
  readonly durationMs?: number;
  /** The scenario file exactly as given. */
  readonly scenario?: string;
  readonly ken?: boolean;
  /** The exploration strategy, with PCT's depth and steps, so that a PCT run replays exactly. */
  readonly strategy?: StrategyOptions;
}

/**
 * The exact command that replays `seed`: `faultline replay <protocol> --seed S` plus every
 * flag that changed the run. Words are quoted for a POSIX shell where needed.
 */
export function replayCommand(inputs: RunInputs, seed: string): string {
  const words = ['faultline', 'replay', inputs.protocolArg, '--seed', seed];
  if (inputs.bug !== undefined) words.push('--bug', inputs.bug);
  if (inputs.faults !== undefined) words.push('--faults', formatFaultList(inputs.faults));
  if (inputs.durationMs !== undefined) words.push('--duration-ms', String(inputs.durationMs));
  if (inputs.scenario !== undefined) words.push('--scenario', inputs.scenario);
  if (inputs.ken === true) words.push('--ken');
  const s = inputs.strategy;
  if (s?.kind === 'pct') {
    words.push('--strategy', 'pct', '--pct-depth', String(s.depth ?? DEFAULT_PCT_DEPTH));
    if (s.steps !== undefined) words.push('--pct-steps', String(s.steps));
  }
  if (inputs.ken === false) words.push('--no-ken');
  return words.map(shellQuote).join(' ');
}

/** `word` as one POSIX shell word: unchanged when it is safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Splits a command line made by `replayCommand` back into words (single quotes only). */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (ch === ' ' || ch === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (word !== undefined) words.push(word);
  return words;
}
