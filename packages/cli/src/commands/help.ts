import { FAULT_DESCRIPTIONS } from '@faultline/runtime';
import { closest } from '@faultline/simulator/input-errors';
import { commandHelp, table } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Output } from '../io.ts';
import { cliVersion } from '../version.ts';
import { COMMAND_TABLE, findCommand } from './index.ts';

/** The top-level help. */
export function topHelp(): string {
  return [
    `faultline ${cliVersion()}: break replication protocols in a deterministic simulator`,
    '',
    'Usage: faultline <command> [arguments] [flags]',
    '',
    'Commands:',
    ...table([...COMMAND_TABLE.map((c) => [c.name, c.summary] as const), ['help [command]', 'show help for faultline or a command']]),
    '',
    'A <protocol> is a built-in name (see `faultline list`) or a path to your own module',
    "(.ts, .js or .mjs) that exports a ProtocolDefinition as its default export or as 'protocol'.",
    '',
    'Fault kinds (for --faults):',
    ...table(Object.entries(FAULT_DESCRIPTIONS)),
    '',
    'Exit codes: 0 ok, 1 a property was violated, 2 bad command line or input,',
    '3 unexpected error (set FAULTLINE_DEBUG=1 for its stack).',
    '',
    "Run 'faultline <command> --help' for a command's flags.",
  ].join('\n');
}

/** The help of `faultline help [command]`. */
export async function helpText(command: string | undefined): Promise<string> {
  if (command === undefined) return topHelp();
  const entry = findCommand(command);
  if (entry === undefined) throw unknownCommand(command);
  return commandHelp((await entry.load()).spec);
}

export function unknownCommand(name: string): UsageError {
  const names = [...COMMAND_TABLE.map((c) => c.name), 'help'];
  const near = closest(name, names);
  return new UsageError(`unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''} (commands: ${names.join(', ')})`);
}

/** The help of the `help` command itself. */
function helpOfHelp(): string {
  return [
    'Usage: faultline help [command]',
    '',
    'Shows the top-level help, or the flags of one command.',
    `Commands: ${COMMAND_TABLE.map((c) => c.name).join(', ')}`,
  ].join('\n');
}

export async function runHelp(out: Output, argv: readonly string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out.out(helpOfHelp());
    return 0;
  }
  if (argv.length > 1) throw new UsageError(`faultline help: unexpected argument '${argv[1]}'`);
  out.out(await helpText(argv[0]));
  return 0;
}
