import { type ProtocolDefinition } from '@faultline/runtime';
import { protocolProperties } from '@faultline/simulator';
import { parseArgs, table, type CommandSpec } from '../args.ts';
import { EXIT_OK } from '../errors.ts';
import type { Output } from '../io.ts';
import { loadProtocol } from '../protocol-loader.ts';
import { builtinProtocols } from '../registry.ts';

export const LIST = {
  name: 'list',
  description:
    'Lists the built-in protocols, or the ones given (built-in names or paths to your own\n' +
    "protocol modules): each one's seeded bug variants, its properties and the faults it\n" +
    'claims to tolerate (the default fault model of `faultline test`).',
  positionals: [{ name: 'protocol', required: false, variadic: true, help: 'only these protocols (names or module paths)' }],
  flags: {
    json: { type: 'boolean', help: 'print { protocols: [{ name, description, bugs, properties, faults, ken }] }' },
  },
  examples: ['faultline list', 'faultline list --json', 'faultline list ./my-protocol.ts'],
} as const satisfies CommandSpec;

/** A protocol as `list --json` prints it. */
export interface ProtocolListing {
  readonly name: string;
  readonly description: string;
  readonly bugs: { name: string; description: string }[];
  readonly properties: { name: string; kind: 'always' | 'eventually'; description: string }[];
  readonly faults: string[];
  /** Whether runs use Ken unless `--no-ken`. */
  readonly ken: boolean;
}

export function listing(p: ProtocolDefinition): ProtocolListing {
  return {
    name: p.name,
    description: p.description,
    bugs: p.bugs.map((b) => ({ name: b.name, description: b.description })),
    properties: protocolProperties(p).map((q) => ({ name: q.name, kind: q.kind, description: q.description })),
    faults: [...p.faults],
    ken: p.ken === true,
  };
}

export async function runList(out: Output, argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(LIST, argv);
  const protocols =
    positionals.length > 0
      ? await Promise.all(positionals.map(async (arg) => (await loadProtocol(arg, out.cwd, out.io.protocols)).definition))
      : (out.io.protocols ?? (await builtinProtocols()));
  if (flags.json) {
    out.out(JSON.stringify({ protocols: protocols.map(listing) }, null, 2));
    return EXIT_OK;
  }
  if (protocols.length === 0) {
    out.out('No built-in protocols yet. Give a path to your own: faultline test ./my-protocol.ts');
    return EXIT_OK;
  }
  const c = out.c;
  const blocks = protocols.map((p) => {
    const lines = [`${c.bold(p.name)}  ${p.description}`];
    const properties = protocolProperties(p);
    if (properties.length > 0) {
      lines.push(c.dim('  properties'));
      lines.push(...table(properties.map((q) => [`  ${q.kind.padEnd(10)}  ${q.name}`, q.description])));
    }
    lines.push(c.dim('  bug variants'));
    if (p.bugs.length === 0) lines.push('    (none)');
    else lines.push(...table(p.bugs.map((b) => [`  ${b.name}`, b.description])));
    lines.push(`${c.dim('  faults')}  ${p.faults.length ? p.faults.join(', ') : 'none'}`);
    if (p.ken === true) lines.push(`${c.dim('  ken')}     on (state survives crashes through Ken checkpoints; --no-ken turns it off)`);
    return lines.join('\n');
  });
  out.out(blocks.join('\n\n'));
  return EXIT_OK;
}

