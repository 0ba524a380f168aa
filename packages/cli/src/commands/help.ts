import { closest, commandHelp, table, type CommandSpec } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Output } from '../io.ts';
import { cliVersion } from '../version.ts';
import { LIST, faultKindLines } from './list.ts';
import { MERGE } from './merge.ts';
import { REPLAY } from './replay.ts';
import { TEST } from './test.ts';
import { RUN } from './run.ts';
import { CLIENT } from './client.ts';
import { CHECK } from './check.ts';
import { CHECK_HISTORY } from './check-history.ts';

export const COMMANDS: readonly CommandSpec[] = [LIST, TEST, REPLAY, CHECK, CHECK_HISTORY, MERGE, RUN, CLIENT];

/** The top-level help. */
export function topHelp(): string {
  return [
    `faultline ${cliVersion()}: break replication protocols in a deterministic simulator`,
    '',
    'Usage: faultline <command> [arguments] [flags]',
    '',
    'Commands:',
    ...table([...COMMANDS.map((c) => [c.name, c.summary] as const), ['help [command]', 'show help for faultline or a command']]),
    '',
    'A <protocol> is a built-in name (see `faultline list`) or a path to your own module',
    "(.ts, .js or .mjs) that exports a ProtocolDefinition as its default export or as 'protocol'.",
    '',
    'Fault kinds (for --faults):',
    ...faultKindLines(),
    '',
    'Exit codes: 0 ok, 1 a property was violated, 2 bad command line or input,',
    '3 unexpected error (set FAULTLINE_DEBUG=1 for its stack).',
    '',
    "Run 'faultline <command> --help' for a command's flags.",
  ].join('\n');
}

/** The help of `faultline help [command]`. */
export function helpText(command: string | undefined): string {
  if (command === undefined) return topHelp();
  const spec = COMMANDS.find((c) => c.name === command);
  if (spec === undefined) throw unknownCommand(command);
  return commandHelp(spec);
}

export function unknownCommand(name: string): UsageError {
  const names = [...COMMANDS.map((c) => c.name), 'help'];
  const near = closest(name, names);
  return new UsageError(`unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''} (commands: ${names.join(', ')})`);
}

/** The help of the `help` command itself. */
function helpOfHelp(): string {
  return [
    'Usage: faultline help [command]',
    '',
    'Shows the top-level help, or the flags of one command.',
    `Commands: ${COMMANDS.map((c) => c.name).join(', ')}`,
  ].join('\n');
}

export function runHelp(out: Output, argv: readonly string[]): number {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out.out(helpOfHelp());
    return 0;
  }
  if (argv.length > 1) throw new UsageError(`faultline help: unexpected argument '${argv[1]}'`);
  out.out(helpText(argv[0]));
  return 0;
}
