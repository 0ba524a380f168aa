import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtocolDefinition } from '@faultline/runtime';

/**
 * The built-in protocols: the `protocols` list of `@faultline/protocols`
 * (packages/protocols/index.ts). Loaded on first use, so that a command that does not
 * need the library (a user's own protocol, `--help`) never pays for importing it, and
 * so that the CLI still works, with an empty library, while that index does not exist.
 */
let cached: Promise<readonly ProtocolDefinition[]> | undefined;

const REGISTRY = '@faultline/protocols';

export function builtinProtocols(): Promise<readonly ProtocolDefinition[]> {
  cached ??= loadRegistry();
  return cached;
}

async function loadRegistry(): Promise<readonly ProtocolDefinition[]> {
  if (!registryEntryExists()) return [];
  let mod: { protocols?: unknown };
  try {
    // A computed specifier: the registry's index may not exist yet, and its absence is
    // not a type error here but an empty library.
    const specifier: string = REGISTRY;
    mod = (await import(specifier)) as { protocols?: unknown };
  } catch (err) {
    throw new Error(`the protocol library (${REGISTRY}) failed to load: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  if (!Array.isArray(mod.protocols)) throw new Error(`${REGISTRY} does not export a 'protocols' array`);
  return mod.protocols as readonly ProtocolDefinition[];
}

/**
 * Whether the file the registry package's `exports['.']` names exists. Finding the
 * package the way Node does (node_modules folders upward from here) keeps "not written
 * yet" apart from "written but broken", which must be reported, not hidden.
 */
function registryEntryExists(): boolean {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', ...REGISTRY.split('/'));
    const pkgFile = join(pkgDir, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: unknown; main?: unknown };
      const entry = entryOf(pkg);
      return entry !== undefined && existsSync(join(pkgDir, entry));
    }
    if (dirname(dir) === dir) return false;
  }
}

function entryOf(pkg: { exports?: unknown; main?: unknown }): string | undefined {
  const e = pkg.exports;
  if (typeof e === 'string') return e;
  if (e !== null && typeof e === 'object') {
    const conditions = e as Record<string, unknown>;
    const dot = '.' in conditions ? conditions['.'] : conditions;
    if (typeof dot === 'string') return dot;
    if (dot !== null && typeof dot === 'object') {
      const d = dot as Record<string, unknown>;
      const first = d.import ?? d.default ?? d.node;
      if (typeof first === 'string') return first;
    }
  }
  return typeof pkg.main === 'string' ? pkg.main : 'index.js';
}
