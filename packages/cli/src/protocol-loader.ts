import { protocolProblems, type ProtocolDefinition } from '@faultline/runtime';
import { UsageError } from './errors.ts';
import { importUserModule } from '@faultline/simulator';
import { builtinProtocols } from './registry.ts';

/** A protocol, with the argument it was named by (kept for replay commands). */
export interface LoadedProtocol {
  readonly definition: ProtocolDefinition;
  /** The command-line argument exactly as given. */
  readonly arg: string;
  readonly source: 'builtin' | 'module';
}

/** A `<protocol>` argument names a module path when it has a slash or a module extension. */
export function isProtocolPath(arg: string): boolean {
  return /[\\/]/.test(arg) || /\.(ts|mts|js|mjs)$/.test(arg);
}

/**
 * Resolves a `<protocol>` argument: a built-in name from the registry, or a path to the
 * user's module exporting a `ProtocolDefinition` as `default` or `protocol`.
 */
export async function loadProtocol(
  arg: string,
  cwd: string,
  builtins?: readonly ProtocolDefinition[],
): Promise<LoadedProtocol> {
  if (isProtocolPath(arg)) return { definition: await loadProtocolModule(arg, cwd), arg, source: 'module' };
  const known = builtins ?? (await builtinProtocols());
  const found = known.find((p) => p.name === arg);
  if (found === undefined) {
    const names = known.map((p) => p.name);
    throw new UsageError(
      `unknown protocol '${arg}' (known: ${names.length ? names.join(', ') : 'none yet'}; or give a path to your own protocol module, e.g. ./my-protocol.ts)`,
    );
  }
  return { definition: found, arg, source: 'builtin' };
}

async function loadProtocolModule(path: string, cwd: string): Promise<ProtocolDefinition> {
  const mod = await importUserModule(path, cwd, 'protocol');
  const candidates = (['default', 'protocol'] as const).filter((k) => mod[k] !== undefined);
  if (candidates.length === 0) {
    const others = Object.keys(mod).filter((k) => protocolProblems(mod[k]).length === 0);
    const hint = others.length
      ? `; it exports ${others.map((k) => `'${k}'`).join(', ')}, which looks like one: export it as default or as 'protocol'`
      : '';
    throw new UsageError(`${path} exports no protocol (expected a ProtocolDefinition as its default export or as 'protocol')${hint}`);
  }
  for (const k of candidates) if (protocolProblems(mod[k]).length === 0) return mod[k] as ProtocolDefinition;
  const k = candidates[0]!;
  const name = k === 'default' ? 'default export' : "export 'protocol'";
  throw new UsageError(`${path}: the ${name} is not a valid protocol: ${protocolProblems(mod[k]).join('; ')}`);
}
