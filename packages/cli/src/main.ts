import { ConfigError } from '@faultline/simulator/input-errors';
import { commandHelp } from './args.ts';
import { runHelp, topHelp, unknownCommand } from './commands/help.ts';
import { findCommand } from './commands/index.ts';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, errorMessage } from './errors.ts';
import { makeOutput, type Io, type Output } from './io.ts';
import { cliVersion } from './version.ts';

/**
 * The `faultline` command, callable in-process: `argv` are the words after `faultline`.
 * Resolves to the exit code (see errors.ts); never throws and never exits the process.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const out = makeOutput(io);
  try {
    return await dispatch(out, argv);
  } catch (err) {
    const code = report(out, err);
    if (wantsJson(argv)) {
      try {
        out.out(JSON.stringify(jsonError(err, code), null, 2));
      } catch {
        // stdout itself failed (the error being reported, perhaps): stderr has the line.
      }
    }
    return code;
  }
}

/** `--json` given as a flag (not after `--`): the caller reads stdout as JSON, errors too. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * What a `--json` caller gets on stdout when the command fails before its report: `ok`
 * false and the error (its kind, the same message as on stderr, and the exit code).
 */
function jsonError(err: unknown, exitCode: number): { ok: false; error: { kind: 'usage' | 'internal'; message: string; exitCode: number } } {
  const kind = exitCode === EXIT_USAGE ? 'usage' : 'internal';
  return { ok: false, error: { kind, message: errorMessage(err), exitCode } };
}

async function dispatch(out: Output, argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    out.err(topHelp());
    return EXIT_USAGE;
  }
  if (first === '--version' || first === '-V') {
    out.out(`faultline ${cliVersion()}`);
    return EXIT_OK;
  }
  if (first === '--help' || first === '-h') {
    out.out(topHelp());
    return EXIT_OK;
  }
  if (first === 'help') return runHelp(out, rest);
  if (first.startsWith('-')) throw new UsageError(`unknown flag '${first}' before the command; see 'faultline help'`);
  const entry = findCommand(first);
  if (entry === undefined) throw unknownCommand(first);
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    // `--help` wins over any other mistake on the line (but not after `--`).
    const end = rest.indexOf('--');
    const help = rest.findIndex((w) => w === '--help' || w === '-h');
    if (end < 0 || help < end) {
      out.out(commandHelp(command.spec));
      return EXIT_OK;
    }
  }
  return await command.run(out, rest);
}

/** Turns an error into its exit code, with one clear line on stderr. */
function report(out: Output, err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) {
    const message = err.message.startsWith('faultline') ? err.message : `faultline: ${err.message}`;
    out.err(message);
    return EXIT_USAGE;
  }
  out.err(`faultline: unexpected error: ${errorMessage(err)}`);
  if (out.env.FAULTLINE_DEBUG && err instanceof Error && err.stack) out.err(err.stack);
  else out.err('(set FAULTLINE_DEBUG=1 to see the stack)');
  return EXIT_INTERNAL;
}

