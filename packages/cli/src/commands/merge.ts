import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs, type CommandSpec } from '../args.ts';
import { EXIT_OK, EXIT_VIOLATION, UsageError, errorMessage } from '../errors.ts';
import type { Output } from '../io.ts';
import { mergeReports, type NamedReport } from '../merge-reports.ts';

export const MERGE = {
  name: 'merge',
  description:
    "Reads the outputs of 'faultline test --shard i/n --json' for every i of one campaign\n" +
    'and prints the JSON that one run of the whole campaign would have printed: failures\n' +
    'in seed order, seeds, events and simulated time summed (wallMs: summed over shards).\n' +
    'The inputs must be the same protocol, bug, faults, seed range and shard count, and\n' +
    'tile the range exactly once. Exits 1 when a property was violated, 0 when none was,\n' +
    '2 on bad input.',
  positionals: [{ name: 'file', required: true, variadic: true, help: "a shard's output of 'faultline test --shard i/n --json'" }],
  flags: {},
  examples: [
    'faultline test primary-backup --shard 1/2 --json > s1.json',
    'faultline test primary-backup --shard 2/2 --json > s2.json',
    'faultline merge s1.json s2.json > all.json',
  ],
} as const satisfies CommandSpec;

export async function runMerge(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals } = parseArgs(MERGE, argv);
  if (positionals.length === 0) throw new UsageError("faultline merge: missing <file>; see 'faultline merge --help'");
  const inputs: NamedReport[] = positionals.map((name) => ({ name, report: readJson(out, name) }));
  const merged = mergeReports(inputs);
  out.out(JSON.stringify(merged, null, 2));
  return merged.ok ? EXIT_OK : EXIT_VIOLATION;
}

function readJson(out: Output, name: string): unknown {
  let text: string;
  try {
    text = readFileSync(isAbsolute(name) ? name : resolve(out.cwd, name), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`faultline merge: cannot read ${name}: ${code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`faultline merge: ${name} is not JSON: ${errorMessage(err)}`);
  }
}
